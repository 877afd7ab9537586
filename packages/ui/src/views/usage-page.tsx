/** @jsxImportSource hono/jsx */
/**
 * Storage usage of a group or project: the deduplicated total (a layer shared by two
 * repositories counts once) and each repository's own deduplicated size, largest first.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatBytes } from '../format.js';
import { type Frame, Layout } from './layout.js';
import { PathCrumbs } from './path-crumbs.js';

export interface UsagePageProps {
  readonly frame: Frame;
  readonly path: string;
  readonly name: string;
  /** `Group`, `Project` or `Namespace`. */
  readonly kind: string;
  /** `null` when the project's registry is turned off (nothing is counted then). */
  readonly usage: { readonly total: number; readonly repositories: ReadonlyArray<{ readonly name: string; readonly size: number }> } | null;
}

export function UsagePage(props: UsagePageProps): JSX.Element {
  const { usage } = props;
  const rows = usage ? [...usage.repositories].sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1)) : [];
  const parts = usage ? usage.repositories.reduce((n, r) => n + r.size, 0) : 0;
  return (
    <Layout title={`Storage usage · ${props.name}`} frame={props.frame}>
      <PathCrumbs base={props.frame.base} path={props.path} current="Storage usage" />
      <h1>Storage usage</h1>
      {!usage ? (
        <p role="status" class="notice">
          The container registry is turned off for this project.
        </p>
      ) : (
        <>
          <p class="usage-total">
            {props.kind} <strong>{props.path}</strong> uses <strong>{formatBytes(usage.total)}</strong> in{' '}
            {usage.repositories.length === 1 ? '1 repository' : `${usage.repositories.length} repositories`}.
          </p>
          {parts > usage.total && (
            <p class="muted">
              Repositories share some layers: each is counted once in the total, and in the size of every repository that uses it.
            </p>
          )}
          {rows.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption>Deduplicated size per repository, largest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Repository</th>
                    <th scope="col" class="num">
                      Size
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr>
                      <th scope="row">
                        <a href={`${props.frame.base}/repositories/${r.name}`}>{r.name}</a>
                      </th>
                      <td class="num">{formatBytes(r.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Layout>
  );
}
