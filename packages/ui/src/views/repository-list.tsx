/** @jsxImportSource hono/jsx */
/**
 * The repository list: one row per repository the user may read, with its full image path
 * (and a copy button), tag count, deduplicated size and last update; the filter form; page
 * links; the CLI commands panel; and, for a registry without images yet, the commands that
 * push the first one.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatBytes, formatTime } from '../format.js';
import { CliCommands } from './cli-commands.js';
import { ConfirmDialog, repositoryDeletion } from './confirm-page.js';
import { FilterForm, PageLinks, Results } from './controls.js';
import { CopyButton } from './copy-button.js';
import { type FlashNote, FlashMessage } from './flash.js';
import { type Frame, homeOf, Layout } from './layout.js';
import { actionsOf } from './repository-page.js';

/** The image path the list's commands show: no project is chosen there yet. */
export const PLACEHOLDER_PATH = 'group/project/image';

export interface RepositoryRow {
  readonly name: string;
  readonly tagCount: number;
  readonly size: number | null;
  readonly updatedAt: string | null;
}

export interface RepositoryListProps {
  readonly frame: Frame;
  /** The registry host for image paths and commands. */
  readonly host: string;
  readonly rows: readonly RepositoryRow[];
  readonly search: string;
  readonly sort: 'name' | 'updated';
  readonly order: 'asc' | 'desc';
  readonly perPage: number | null;
  readonly firstHref: string | null;
  readonly nextHref: string | null;
  /** The message left by the change that led here ("Repository team/app is being deleted."). */
  readonly flash?: FlashNote | null;
  /** Rows the user may delete (a trash button each, behind a confirmation). */
  readonly deletes?: RowDeletes | null;
}

export function RepositoryList(props: RepositoryListProps): JSX.Element {
  const firstPage = props.firstHref === null;
  const empty = props.rows.length === 0;
  return (
    <Layout title="Repositories" frame={props.frame}>
      <h1>Container Registry</h1>
      <FlashMessage note={props.flash} />
      {empty && firstPage && !props.search ? (
        <EmptyRegistry host={props.host} />
      ) : (
        <>
          <CliCommands host={props.host} path={PLACEHOLDER_PATH} />
          <RepositoryListing
            base={props.frame.base}
            action={homeOf(props.frame.base)}
            host={props.host}
            rows={props.rows}
            search={props.search}
            sort={props.sort}
            order={props.order}
            perPage={props.perPage}
            firstHref={props.firstHref}
            nextHref={props.nextHref}
            deletes={props.deletes ?? null}
          />
        </>
      )}
    </Layout>
  );
}

/** A listing of repositories with its controls: search and sort, the table, page links, and the delete dialog. */
export function RepositoryListing(props: {
  readonly base: string;
  /** The listing's own address (the form's action and "Show all"). */
  readonly action: string;
  readonly host: string;
  readonly rows: readonly RepositoryRow[];
  readonly search: string;
  readonly sort: 'name' | 'updated';
  readonly order: 'asc' | 'desc';
  readonly perPage: number | null;
  readonly firstHref: string | null;
  readonly nextHref: string | null;
  readonly caption?: string;
  readonly deletes: RowDeletes | null;
}): JSX.Element {
  return (
    <>
      <FilterForm
        action={props.action}
        field="search"
        label="Search by name"
        value={props.search}
        sort={props.sort}
        sorts={[
          ['name', 'Name'],
          ['updated', 'Last updated'],
        ]}
        order={props.order}
        perPage={props.perPage}
      />
      <Results>
        {props.rows.length === 0 ? (
          <p role="status">
            {props.search ? `No repository matches “${props.search}”. ` : 'No more repositories. '}
            <a href={props.action}>Show all repositories</a>
          </p>
        ) : (
          <RepositoryTable
            base={props.base}
            host={props.host}
            rows={props.rows}
            deletes={props.deletes}
            {...(props.caption ? { caption: props.caption } : {})}
          />
        )}
        <PageLinks firstHref={props.firstHref} nextHref={props.nextHref} />
      </Results>
      {props.deletes && props.deletes.names.size > 0 && <ConfirmDialog />}
    </>
  );
}

/** Which rows get a delete button (GitLab's trash icon), and the form secret it posts. */
export interface RowDeletes {
  readonly csrf: string;
  readonly names: ReadonlySet<string>;
}

/** The table of repositories, also used by group and project pages. */
export function RepositoryTable(props: {
  base: string;
  host: string;
  rows: readonly RepositoryRow[];
  caption?: string;
  deletes?: RowDeletes | null;
}): JSX.Element {
  const deletes = props.deletes && props.deletes.names.size > 0 ? props.deletes : null;
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption ?? 'Repositories you can pull'}</caption>
        <thead>
          <tr>
            <th scope="col">Repository</th>
            <th scope="col" class="num">
              Tags
            </th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col">Last updated</th>
            {deletes && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td>
                <a href={`${props.base}/repositories/${r.name}`}>{r.name}</a>
                <div class="path">
                  <code>{`${props.host}/${r.name}`}</code>{' '}
                  <CopyButton text={`${props.host}/${r.name}`} label={`Copy image path of ${r.name}`} />
                </div>
              </td>
              <td class="num">{String(r.tagCount)}</td>
              <td class="num">{formatBytes(r.size)}</td>
              <td>{r.updatedAt ? <time datetime={r.updatedAt}>{formatTime(r.updatedAt)}</time> : '—'}</td>
              {deletes && (
                <td>
                  {deletes.names.has(r.name) && (
                    <form
                      method="post"
                      action={actionsOf(props.base, r.name).deleteRepository}
                      data-confirm={JSON.stringify(repositoryDeletion(r.name, r.tagCount))}
                    >
                      <input type="hidden" name="_csrf" value={deletes.csrf} />
                      <button type="submit" class="danger small" aria-label={`Delete repository ${r.name}`} title="Delete repository">
                        <TrashIcon />
                      </button>
                    </form>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A trash can drawn inline (an emoji needs a font the machine may lack); the button carries the name. */
function TrashIcon(): JSX.Element {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="1.5"
      stroke-linecap="round"
    >
      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.8 6.5v5M9.2 6.5v5" />
    </svg>
  );
}

/** GitLab's empty state: log in, build, push. */
function EmptyRegistry(props: { host: string }): JSX.Element {
  const image = `${props.host}/${PLACEHOLDER_PATH}:latest`;
  return (
    <section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">There are no container images stored for this registry</h2>
      <p>With the Container Registry, every project can have its own space to store its images. Push your first one:</p>
      <pre>
        <code>{`docker login ${props.host}\ndocker build -t ${image} .\ndocker push ${image}`}</code>
      </pre>
      <p class="muted">Replace group/project with a project you may push to, and image with the image's name.</p>
    </section>
  );
}
