/** @jsxImportSource hono/jsx */
/**
 * The page frame: doctype, head with the inline stylesheet, the header with the signed-in
 * user, and a main landmark. Every page renders through {@link Layout}.
 * @module
 */
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { raw } from 'hono/html';
import type { UiAccountLinks } from '../options.js';
import { NAMESPACE_STYLES } from './namespace-styles.js';
import { STYLES } from './styles.js';

/** The page's script (copy buttons, dialogs, live search), served by the app; everything works without it. */
export const SCRIPT_PATH = '/-/assets/wharf-ui.js';

/** What every page's frame needs to know about the request. */
export interface Frame {
  /** Where the registry page is mounted (`/registry`, or `` at the root): links start here. */
  readonly base: string;
  /** The signed-in user's name, `null` for anonymous, `undefined` when not known (an error page). */
  readonly user: string | null | undefined;
  /** The CSRF secret for the page's forms (`_csrf`); absent on pages without forms. */
  readonly csrf?: string;
  /** The host's sign-in and sign-out addresses. */
  readonly account?: UiAccountLinks;
}

export interface LayoutProps {
  /** The page's own title; " · Container Registry" is appended. */
  readonly title: string;
  readonly frame: Frame;
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
          {props.frame.csrf && <meta name="csrf-token" content={props.frame.csrf} />}
          <title>{`${props.title} · Container Registry`}</title>
          <style>{raw(STYLES + NAMESPACE_STYLES)}</style>
          <script src={`${props.frame.base}${SCRIPT_PATH}`} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a href={homeOf(props.frame.base)}>Container Registry</a>
            <Account frame={props.frame} />
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** Who is signed in, with the host's sign-out (a form: it changes state) or sign-in link. */
function Account(props: { frame: Frame }): JSX.Element | null {
  const { user, account, csrf } = props.frame;
  if (user === undefined) return null;
  return (
    <span class="user">
      {user ? `Signed in as ${user}` : 'Not signed in'}
      {user && account?.signOut && csrf && (
        <form method="post" action={account.signOut} class="inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <button type="submit" class="link">
            Sign out
          </button>
        </form>
      )}
      {!user && account?.signIn && <a href={account.signIn}>Sign in</a>}
    </span>
  );
}

/** A page for a problem: not found (also for what the user may not read), a stale link, an error. */
export function ProblemPage(props: { frame: Frame; title: string; message: string }): JSX.Element {
  return (
    <Layout title={props.title} frame={props.frame}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href={homeOf(props.frame.base)}>Back to the repositories</a>
      </p>
    </Layout>
  );
}
