/**
 * The registry page's sign-in and sign-out (`/-/sign_in`, `/-/sign_out`) in the standalone
 * server.
 *
 * Credentials go through exactly what `docker login` and the management API use:
 * `authenticateThrottled` with the server's one `LoginThrottle`, the same password-hashing
 * queue and the client's address, so failed sign-ins here and failed logins there count
 * together (429 with `Retry-After` while locked). A wrong username, a wrong password and a
 * missing user all answer the same "Incorrect username or password." (401).
 *
 * Who may sign in: users with their password (not with 2FA, as for the API), or with a
 * personal access token carrying `read_registry` or `api` (what the page needs to read the
 * registry). Deploy tokens and CI job tokens are machine credentials with no person behind
 * them, and are refused here (they still work for `docker login`).
 *
 * Both forms are CSRF-protected: the sign-in form (there is no session yet) by a secret in a
 * SameSite=Strict cookie repeated in the form, the sign-out form by the session's own secret;
 * both also by the Origin / Sec-Fetch-Site check. A successful sign-in always starts a new
 * session (a fresh 256-bit id; the old one, if any, ends), so a session id planted before
 * sign-in is worth nothing after it.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  authenticateThrottled,
  type ClientAddress,
  crossSiteProblem,
  isRegistryError,
  type LoginThrottlePolicy,
  type Principal,
} from '@wharf/core';
import { isAccessPrincipal } from '@wharf/access';
import { renderAccountProblemPage, renderSignInPage } from '@wharf/ui';
import { safeRedirect } from './safe-redirect.js';
import {
  clearSessionCookie,
  passwordStampOf,
  secureCookies,
  sessionIdOf,
  setSessionCookie,
  signedIn,
  type WebSessionOptions,
} from './web-session.js';

export const SIGN_IN_PATH = '/-/sign_in';
export const SIGN_OUT_PATH = '/-/sign_out';

/** The sign-in form's own secret, before there is a session. */
const FORM_COOKIE = 'wharf_sign_in';
/** Largest sign-in or sign-out form read (a username, a password, two short fields). */
const FORM_MAX_BYTES = 16 * 1024;
/** Scopes of a personal access token that may sign in: those that read the registry. */
const PAGE_SCOPES: readonly string[] = ['read_registry', 'api'];

/** The same policy as the registry page's. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface SignInOptions extends WebSessionOptions {
  /** The server's failed-login throttle, shared with the token service and the APIs. */
  readonly throttle: LoginThrottlePolicy;
  /** The client's address for the throttle (the runtime adapter's). */
  readonly clientAddress?: ClientAddress | undefined;
  /** Origins besides the request's own whose forms are accepted (the public URL's). */
  readonly trustedOrigins?: readonly string[] | undefined;
}

const sameSecret = (a: string | undefined, b: unknown): boolean =>
  typeof a === 'string' &&
  typeof b === 'string' &&
  a.length > 0 &&
  a.length === b.length &&
  timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Add the routes to the server's app (before the registry page, which is mounted at `/`). */
export function addSignInRoutes(app: Hono, options: SignInOptions): void {
  const headers: MiddlewareHandler = async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  };
  app.use(SIGN_IN_PATH, headers);
  app.use(SIGN_OUT_PATH, headers);

  /** The form's secret: the cookie's when it has a good one, else a new one. */
  const formSecret = (c: Context): string => {
    const existing = getCookie(c, FORM_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const secret = randomBytes(32).toString('base64url');
    setCookie(c, FORM_COOKIE, secret, {
      path: SIGN_IN_PATH,
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookies(c, options.publicUrl),
    });
    return secret;
  };
  const page = async (
    c: Context,
    status: 200 | 400 | 401 | 403 | 413 | 429,
    extra: { username?: string; redirect?: string; error?: string },
  ) => c.html(await renderSignInPage({ base: '', action: SIGN_IN_PATH, csrf: formSecret(c), ...extra }), status);

  app.get(SIGN_IN_PATH, async (c) => {
    const redirect = safeRedirect(c.req.query('redirect'));
    if (await signedIn(c, options)) return c.redirect(redirect, 303);
    return page(c, 200, redirect === '/' ? {} : { redirect });
  });

  app.post(SIGN_IN_PATH, async (c) => {
    const form = await readForm(c.req.raw);
    if (form === 'too-large') return page(c, 413, { error: 'The form was too large.' });
    if (form === 'unreadable') return page(c, 400, { error: 'The form could not be read. Try again.' });
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const target = safeRedirect(form.get('redirect'));
    const keep = { ...(target === '/' ? {} : { redirect: target }), ...(username.length <= 255 ? { username } : {}) };
    const crossSite = crossSiteProblem(c.req.raw, options.trustedOrigins ? { trustedOrigins: options.trustedOrigins } : {});
    if (crossSite || !sameSecret(getCookie(c, FORM_COOKIE), form.get('_csrf'))) {
      return page(c, 403, { ...keep, error: 'This sign-in form expired or did not come from this site. Sign in again.' });
    }
    if (username === '' || password === '' || username.length > 255 || password.length > 4096) {
      return page(c, 401, { ...keep, error: 'Incorrect username or password.' });
    }
    const address = options.clientAddress?.(c);
    let found: Principal | null;
    try {
      found = await authenticateThrottled(
        options.hooks,
        { kind: 'password', username, password },
        { throttle: options.throttle, account: username, address },
      );
    } catch (error) {
      if (!isRegistryError(error) || error.code !== 'TOOMANYREQUESTS') throw error;
      const seconds = error.retryAfterSeconds ?? 1;
      c.header('Retry-After', String(seconds));
      return page(c, 429, {
        ...keep,
        error: `Too many sign-in attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
      });
    }
    if (!found || !isAccessPrincipal(found)) return page(c, 401, { ...keep, error: 'Incorrect username or password.' });
    const principal = found;
    if (principal.kind === 'deploy-token' || principal.kind === 'job') {
      return page(c, 403, {
        ...keep,
        error: 'Deploy tokens and CI job tokens cannot sign in here. Use your password or a personal access token.',
      });
    }
    if (principal.kind === 'personal-access-token' && !principal.scopes?.some((s) => PAGE_SCOPES.includes(s))) {
      return page(c, 403, { ...keep, error: 'This personal access token cannot sign in: it needs the read_registry or api scope.' });
    }

    // Rotate: whatever session this browser had ends, and a new id is made.
    await options.sessions.delete(sessionIdOf(c));
    const user =
      principal.kind === 'user' && principal.userId ? (await options.store.state()).document.users.get(principal.userId) : undefined;
    const stamp = passwordStampOf(user);
    const { id } = await options.sessions.create({
      subject: principal.subject,
      username: principal.username,
      ...(principal.session === undefined ? {} : { credential: principal.session }),
      ...(stamp === undefined ? {} : { passwordStamp: stamp }),
    });
    setSessionCookie(c, options, id);
    deleteCookie(c, FORM_COOKIE, { path: SIGN_IN_PATH });
    return c.redirect(target, 303);
  });

  app.post(SIGN_OUT_PATH, async (c) => {
    const form = await readForm(c.req.raw);
    const current = await signedIn(c, options);
    if (!current) {
      // Nothing to end (expired, or already signed out): just make sure the cookie is gone.
      clearSessionCookie(c, options);
      return c.redirect('/', 303);
    }
    const crossSite = crossSiteProblem(c.req.raw, options.trustedOrigins ? { trustedOrigins: options.trustedOrigins } : {});
    if (crossSite || typeof form === 'string' || !sameSecret(current.session.csrf, form.get('_csrf'))) {
      const html = await renderAccountProblemPage({
        base: '',
        title: 'Sign-out refused',
        message: 'This sign-out did not come from a page of this site, or the page was out of date. Reload the page and sign out again.',
      });
      return c.html(html, 403);
    }
    await options.sessions.delete(current.id);
    clearSessionCookie(c, options);
    return c.redirect('/', 303);
  });
}

/** An `application/x-www-form-urlencoded` body of at most {@link FORM_MAX_BYTES}, counted while it streams. */
async function readForm(request: Request): Promise<URLSearchParams | 'too-large' | 'unreadable'> {
  const type = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !request.body) {
    await request.body?.cancel().catch(() => {});
    return 'unreadable';
  }
  if (Number(request.headers.get('content-length') ?? 0) > FORM_MAX_BYTES) {
    await request.body.cancel().catch(() => {});
    return 'too-large';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > FORM_MAX_BYTES) {
      await reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
