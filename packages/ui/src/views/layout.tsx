/** @jsxImportSource hono/jsx */
/**
 * The page frame: doctype, head with the inline stylesheet, the header with the signed-in
 * user, and a main landmark. Every page renders through {@link Layout}.
 * @module
 */
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { raw } from 'hono/html';
import { STYLES } from './styles.js';

export interface LayoutProps {
  /** The page's own title; " · Container Registry" is appended. */
  readonly title: string;
  /** Where the registry page is mounted (`/registry`, or `` at the root): links start here. */
  readonly base: string;
  /** The signed-in user's name, `null` for anonymous, `undefined` when not known (an error page). */
  readonly user: string | null | undefined;
  readonly children?: Child;
}

/** The repository list's address: the mount point itself (`/` at the root). */
export function homeOf(base: string): string {
  return base || '/';
}

export function Layout(props: LayoutProps): JSX.Element {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <title>{`${props.title} · Container Registry`}</title>
          <style>{raw(STYLES)}</style>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a href={homeOf(props.base)}>Container Registry</a>
            {props.user !== undefined && <span class="user">{props.user ? `Signed in as ${props.user}` : 'Not signed in'}</span>}
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A page for a problem: not found (also for what the user may not read), a stale link, an error. */
export function ProblemPage(props: { base: string; user: string | null | undefined; title: string; message: string }): JSX.Element {
  return (
    <Layout title={props.title} base={props.base} user={props.user}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href={homeOf(props.base)}>Back to the repositories</a>
      </p>
    </Layout>
  );
}
