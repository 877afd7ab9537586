/** @jsxImportSource hono/jsx */
/**
 * A group's or project's page: its name and kind, the breadcrumb, links to its storage usage
 * and (for who may change them) its settings, and the repositories under it — a group's page
 * lists those of all its projects and subgroups — with the main list's search, sort and page
 * links. A project whose registry is turned off lists nothing and says so.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { CliCommands } from './cli-commands.js';
import { type Frame, Layout } from './layout.js';
import { namespaceHref, PathCrumbs } from './path-crumbs.js';
import { RepositoryListing, type RepositoryRow, type RowDeletes } from './repository-list.js';

export interface NamespacePageProps {
  readonly frame: Frame;
  readonly host: string;
  readonly path: string;
  readonly name: string;
  /** `Group`, `Project` or `Namespace`. */
  readonly kind: string;
  readonly registryEnabled: boolean;
  readonly mayChangeSettings: boolean;
  readonly rows: readonly RepositoryRow[];
  readonly search: string;
  readonly sort: 'name' | 'updated';
  readonly order: 'asc' | 'desc';
  readonly perPage: number | null;
  readonly firstHref: string | null;
  readonly nextHref: string | null;
  /** Rows the user may delete (a trash button each, behind a confirmation). */
  readonly deletes?: RowDeletes | null;
}

/** The image path of the commands: a project's own path; under a group, one of its projects. */
function imagePath(path: string, kind: string): string {
  return kind === 'Group' ? `${path}/project/image` : path;
}

export function NamespacePage(props: NamespacePageProps): JSX.Element {
  const here = namespaceHref(props.frame.base, props.path);
  const empty = props.rows.length === 0;
  return (
    <Layout title={`${props.name} · ${props.kind}`} frame={props.frame}>
      <PathCrumbs base={props.frame.base} path={props.path} />
      <h1>
        {props.name} <span class="ns-kind">{props.kind}</span>
      </h1>
      <p class="ns-links">
        <code class="path">{`${props.host}/${props.path}`}</code>
        {props.registryEnabled && (
          <>
            {' · '}
            <a href={`${here}/-/usage`}>Storage usage</a>
          </>
        )}
        {props.mayChangeSettings && (
          <>
            {' · '}
            <a href={`${here}/-/settings`}>Settings</a>
          </>
        )}
      </p>
      {!props.registryEnabled ? (
        <p role="status" class="notice">
          The container registry is turned off for this project.
          {props.mayChangeSettings && (
            <>
              {' '}
              <a href={`${here}/-/settings`}>Turn it on in the settings</a>
            </>
          )}
        </p>
      ) : empty && !props.firstHref && !props.search ? (
        <EmptyNamespace host={props.host} path={props.path} kind={props.kind} />
      ) : (
        <>
          <CliCommands host={props.host} path={imagePath(props.path, props.kind)} />
          <RepositoryListing
            base={props.frame.base}
            action={here}
            host={props.host}
            rows={props.rows}
            search={props.search}
            sort={props.sort}
            order={props.order}
            perPage={props.perPage}
            firstHref={props.firstHref}
            nextHref={props.nextHref}
            caption={`Repositories in ${props.path}`}
            deletes={props.deletes ?? null}
          />
        </>
      )}
    </Layout>
  );
}

/** No image under this path yet: how to push one here, in full view (the panel above a listing is folded). */
function EmptyNamespace(props: { host: string; path: string; kind: string }): JSX.Element {
  const image = `${props.host}/${imagePath(props.path, props.kind)}`;
  return (
    <section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">There are no container images stored for this {props.kind.toLowerCase()}</h2>
      <p>Sign in with your user name and a password or personal access token, then build and push your first image:</p>
      <pre>
        <code>{`docker login ${props.host}\ndocker build -t ${image} .\ndocker push ${image}`}</code>
      </pre>
      <p class="muted">
        {props.kind === 'Group'
          ? 'Images live in projects: replace project with one of this group’s projects, and image with the image’s name.'
          : `More images can live below it: ${props.host}/${props.path}/<name>.`}
      </p>
    </section>
  );
}
