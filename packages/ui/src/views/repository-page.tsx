/** @jsxImportSource hono/jsx */
/**
 * One repository: its image path (with a copy button), size and CLI commands, and its tags
 * (name, platforms of a multi-arch image, pull command, short digest, size, created and
 * updated) with a name filter, sorting and page links. For a user who may delete, the tags
 * table sits in one form: a checkbox per row and one for the whole page feed "Remove selected
 * tags", each row has its own "Remove tag <tag>" button (`one=<tag>`, which wins over the
 * checkboxes), and a separate form deletes the repository. Both confirm first (see
 * `confirm-page.tsx`).
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { formatBytes, formatTime, shortDigest } from '../format.js';
import { CliCommands } from './cli-commands.js';
import { ConfirmDialog, repositoryDeletion, tagRemovalSpec } from './confirm-page.js';
import { FilterForm, PageLinks, Results } from './controls.js';
import { CopyButton } from './copy-button.js';
import { type FlashNote, FlashMessage } from './flash.js';
import { type Frame, Layout } from './layout.js';
import { PathCrumbs } from './path-crumbs.js';

export interface TagRow {
  readonly name: string;
  readonly digest: string;
  /** Bytes of everything the tag reaches (manifest, config, layers), each blob once; `null` when unknown. */
  readonly size: number | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** The platforms of a multi-arch image (`linux/arm64/v8`); empty or absent for a single image. */
  readonly platforms?: readonly string[];
}

/** What the page needs to offer deletes (only for a user who may delete this repository). */
export interface DeleteControls {
  /** The repository's tag count, named in the repository's confirmation. */
  readonly tagCount: number;
  /** The page's query string (filter, sort, page), so a delete comes back to the same view. */
  readonly back: string;
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
  /** The message left by the change that led here. */
  readonly flash?: FlashNote | null;
  /** Present when the user may delete tags and the repository. */
  readonly deletes?: DeleteControls | null;
}

/** Where the repository's actions post. */
export const actionsOf = (base: string, name: string) => ({
  removeTags: `${base}/repositories/${name}/-/remove-tags`,
  deleteRepository: `${base}/repositories/${name}/-/delete`,
});

export function RepositoryPage(props: RepositoryPageProps): JSX.Element {
  const path = `${props.host}/${props.name}`;
  const empty = props.rows.length === 0;
  const self = `${props.frame.base}/repositories/${props.name}`;
  const deletes = props.deletes && props.frame.csrf ? props.deletes : null;
  return (
    <Layout title={props.name} frame={props.frame}>
      <PathCrumbs base={props.frame.base} path={props.name} />
      <div class="title-row">
        <h1>{props.name}</h1>
        {deletes && (
          <form
            method="post"
            action={actionsOf(props.frame.base, props.name).deleteRepository}
            data-confirm={JSON.stringify(repositoryDeletion(props.name, deletes.tagCount))}
          >
            <input type="hidden" name="_csrf" value={props.frame.csrf} />
            <button type="submit" class="danger">
              Delete repository
            </button>
          </form>
        )}
      </div>
      <FlashMessage note={props.flash} />
      <p class="path">
        <code>{path}</code> <CopyButton text={path} label="Copy image path" /> · {formatBytes(props.size)}
      </p>
      <CliCommands host={props.host} path={props.name} />
      <FilterForm
        action={self}
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
      <Results>
        {empty ? (
          <p role="status">
            {props.filter ? `No tag matches “${props.filter}”. ` : props.firstHref ? 'No more tags. ' : 'This repository has no tags. '}
            {(props.filter || props.firstHref) && <a href={self}>Show all tags</a>}
          </p>
        ) : deletes ? (
          <form method="post" action={actionsOf(props.frame.base, props.name).removeTags} data-confirm={tagRemovalSpec(props.name)}>
            <input type="hidden" name="_csrf" value={props.frame.csrf} />
            <input type="hidden" name="back" value={deletes.back} />
            <input type="hidden" name="page_tags" value={props.rows.map((t) => t.name).join(' ')} />
            <div class="toolbar">
              <button type="submit" class="danger">
                Remove selected tags
              </button>
            </div>
            <TagTable path={path} rows={props.rows} selectable />
          </form>
        ) : (
          <TagTable path={path} rows={props.rows} selectable={false} />
        )}
        <PageLinks firstHref={props.firstHref} nextHref={props.nextHref} />
      </Results>
      {deletes && <ConfirmDialog />}
    </Layout>
  );
}

const time = (iso: string | null) => (iso ? <time datetime={iso}>{formatTime(iso)}</time> : '—');

function TagTable(props: { path: string; rows: readonly TagRow[]; selectable: boolean }): JSX.Element {
  return (
    <div class="table-wrap">
      <table>
        <caption>Tags</caption>
        <thead>
          <tr>
            {props.selectable && (
              <th scope="col" class="select">
                <input type="checkbox" name="all" value="page" data-select-all aria-label="Select all tags on this page" />
              </th>
            )}
            <th scope="col">Tag</th>
            <th scope="col">Digest</th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col">Created</th>
            <th scope="col">Last updated</th>
            {props.selectable && (
              <th scope="col">
                <span class="vh">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((t) => {
            const pull = `docker pull ${props.path}:${t.name}`;
            return (
              <tr>
                {props.selectable && (
                  <td class="select">
                    <input type="checkbox" name="tag" value={t.name} aria-label={`Select tag ${t.name}`} />
                  </td>
                )}
                <td>
                  <strong>{t.name}</strong>
                  {t.platforms && t.platforms.length > 0 && (
                    <div class="platforms">
                      <span class="vh">Platforms: </span>
                      {t.platforms.join(', ')}
                    </div>
                  )}
                  <div class="path">
                    <code>{pull}</code> <CopyButton text={pull} label={`Copy pull command for ${t.name}`} />
                  </div>
                </td>
                <td>
                  <code title={t.digest}>{shortDigest(t.digest)}</code>
                </td>
                <td class="num">{formatBytes(t.size)}</td>
                <td>{time(t.createdAt)}</td>
                <td>{time(t.updatedAt)}</td>
                {props.selectable && (
                  <td class="row-actions">
                    <button type="submit" class="danger small" name="one" value={t.name} aria-label={`Remove tag ${t.name}`}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
