/** @jsxImportSource hono/jsx */
/**
 * The sign-in page of a host that keeps its own sessions (the standalone server): a plain form
 * posting a username and a password or personal access token, in the registry page's frame so
 * it looks like the rest. The host checks the credentials and the form's secret; this only
 * renders, so the page stays the same whoever serves it.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { raw } from 'hono/html';
import { CSRF_FIELD } from '../csrf.js';
import { homeOf, Layout, ProblemPage } from './layout.js';

export interface SignInPageProps {
  /** Where the registry page is mounted (`''` at the root): the header's home link and the script. */
  readonly base: string;
  /** Where the form posts (`/-/sign_in`). */
  readonly action: string;
  /** The host's secret for this form, sent back as `_csrf`. */
  readonly csrf: string;
  /** The username to fill in again after a failed attempt. */
  readonly username?: string;
  /** The page to go to after signing in (a same-origin path; the host checks it again). */
  readonly redirect?: string;
  /** Why the last attempt failed, shown above the form and announced to screen readers. */
  readonly error?: string;
}

/** Sign-in specific layout: a narrow stacked form (the main stylesheet has the colours). */
const SIGN_IN_STYLES = `
.sign-in { max-width: 24rem; margin: 2rem auto; }
.sign-in form { display: grid; gap: 1rem; margin-top: 1.25rem; }
.sign-in .field { display: flex; flex-direction: column; gap: .3rem; }
.sign-in .field label { font-weight: 600; }
.sign-in .field input { width: 100%; box-sizing: border-box; }
.sign-in .problem { margin: 1rem 0 0; padding: .6rem .9rem; border: 1px solid #c91c00; border-left-width: 4px;
  border-radius: 4px; color: #c91c00; font-weight: 600; }
@media (prefers-color-scheme: dark) { .sign-in .problem { color: #fd8e7a; border-color: #fd8e7a; } }
.sign-in .hint { font-size: .85rem; color: var(--muted); margin: 0; }
`;

/** The sign-in page. */
export function SignInPage(props: SignInPageProps): JSX.Element {
  const described = props.error ? 'sign-in-problem' : undefined;
  return (
    <Layout title="Sign in" frame={{ base: props.base, user: undefined }}>
      <style>{raw(SIGN_IN_STYLES)}</style>
      <section class="sign-in" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p class="muted">Sign in to see and manage the container images of your projects.</p>
        {props.error && (
          <p class="problem" id="sign-in-problem" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action={props.action}>
          <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
          {props.redirect && <input type="hidden" name="redirect" value={props.redirect} />}
          <div class="field">
            <label for="sign-in-username">Username</label>
            <input
              id="sign-in-username"
              name="username"
              type="text"
              value={props.username ?? ''}
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              maxlength={255}
              required
              autofocus={!props.username}
              aria-describedby={described}
            />
          </div>
          <div class="field">
            <label for="sign-in-password">Password or personal access token</label>
            <input
              id="sign-in-password"
              name="password"
              type="password"
              autocomplete="current-password"
              maxlength={4096}
              required
              autofocus={!!props.username}
              aria-describedby={described ? `${described} sign-in-hint` : 'sign-in-hint'}
            />
            <p class="hint" id="sign-in-hint">
              With two-factor authentication on, use a personal access token with the read_registry or api scope.
            </p>
          </div>
          <div>
            <button type="submit">Sign in</button>
          </div>
        </form>
        <p>
          <a href={homeOf(props.base)}>Browse the public repositories</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * The sign-in page as an HTML document, for hosts that answer with a string.
 * @example
 * return c.html(await renderSignInPage({ base: '', action: '/-/sign_in', csrf }), 401);
 */
export async function renderSignInPage(props: SignInPageProps): Promise<string> {
  const page = await SignInPage(props);
  return String(await page.toString());
}

/**
 * A problem with signing in or out that is not about the credentials (a forged or expired
 * sign-out form), in the same frame.
 */
export async function renderAccountProblemPage(props: {
  readonly base: string;
  readonly title: string;
  readonly message: string;
}): Promise<string> {
  const page = await ProblemPage({ frame: { base: props.base, user: undefined }, title: props.title, message: props.message });
  return String(await page.toString());
}
