/** @jsxImportSource hono/jsx */
/**
 * One repository: its image path and pull command, its size, and its tags (name, short
 * digest, size, created and updated) with a name filter, sorting and page links.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatBytes, formatTime, shortDigest } from '../format.js';
import { FilterForm, PageLinks } from './controls.js';
import { type Frame, homeOf, Layout } from './layout.js';

export interface TagRow {
  readonly name: string;
  readonly digest: string;
  /** Bytes of everything the tag reaches (manifest, config, layers), each blob once; `null` when unknown. */
  readonly size: number | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export interface RepositoryPageProps {
  readonly frame: Frame;
  readonly host: string;
  readonly name: string;
  /** The repository's deduplicated size. */
  readonly size: number;
  readonly rows: readonly TagRow[];
  readonly filter: string;
  readonly sort: 'name' | 'created' | 'updated';
  readonly order: 'asc' | 'desc';
  readonly perPage: number | null;
  readonly firstHref: string | null;
  readonly nextHref: string | null;
}

export function RepositoryPage(props: RepositoryPageProps): JSX.Element {
  const path = `${props.host}/${props.name}`;
  const empty = props.rows.length === 0;
  return (
    <Layout title={props.name} frame={props.frame}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={homeOf(props.frame.base)}>Container Registry</a> / <span aria-current="page">{props.name}</span>
      </nav>
      <h1>{props.name}</h1>
      <p class="path">
        <code>{path}</code> · {formatBytes(props.size)}
      </p>
      <FilterForm
        action={`${props.frame.base}/repositories/${props.name}`}
        field="name"
        label="Filter by name"
        value={props.filter}
        sort={props.sort}
        sorts={[
          ['name', 'Name'],
          ['created', 'Created'],
          ['updated', 'Last updated'],
        ]}
        order={props.order}
        perPage={props.perPage}
      />
      {empty ? (
        <p role="status">
          {props.filter ? `No tag matches “${props.filter}”. ` : props.firstHref ? 'No more tags. ' : 'This repository has no tags. '}
          {(props.filter || props.firstHref) && <a href={`${props.frame.base}/repositories/${props.name}`}>Show all tags</a>}
        </p>
      ) : (
        <TagTable path={path} rows={props.rows} />
      )}
      <PageLinks firstHref={props.firstHref} nextHref={props.nextHref} />
    </Layout>
  );
}

function TagTable(props: { path: string; rows: readonly TagRow[] }): JSX.Element {
  return (
    <div class="table-wrap">
      <table>
        <caption>Tags</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Digest</th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col">Created</th>
            <th scope="col">Last updated</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((t) => (
            <tr>
              <td>
                <strong>{t.name}</strong>
                <div class="path">
                  <code>{`docker pull ${props.path}:${t.name}`}</code>
                </div>
              </td>
              <td>
                <code title={t.digest}>{shortDigest(t.digest)}</code>
              </td>
              <td class="num">{formatBytes(t.size)}</td>
              <td>{t.createdAt ? <time datetime={t.createdAt}>{formatTime(t.createdAt)}</time> : '—'}</td>
              <td>{t.updatedAt ? <time datetime={t.updatedAt}>{formatTime(t.updatedAt)}</time> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
