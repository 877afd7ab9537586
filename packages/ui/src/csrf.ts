/**
 * CSRF protection for the page's forms. Every change needs both: the request comes from the
 * page's own origin (core's `crossSiteProblem`: `Origin` and `Sec-Fetch-Site`), and its form
 * carries the secret `_csrf` field. The secret is the host's session-bound one when the host
 * gives it ({@link UiUser.csrfToken}); otherwise the page keeps a random one in an HttpOnly,
 * SameSite=Strict cookie and compares the two (double submit).
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { crossSiteProblem } from '@wharf/core';
import type { UiUser } from './options.js';

/** The form field that carries the secret. */
export const CSRF_FIELD = '_csrf';
const COOKIE = 'wharf_ui_csrf';
/** `__Host-` pins the cookie to this host and path `/`, so a sibling subdomain cannot plant one (https only). */
const SECURE_COOKIE = `__Host-${COOKIE}`;

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
const wellFormed = (token: string | undefined): token is string => !!token && /^[A-Za-z0-9_-]{32,128}$/.test(token);

/** The secret to put in this page's forms (setting the cookie when the page keeps its own). */
export function csrfTokenFor(c: Context, user: UiUser): string {
  if (user.csrfToken) return user.csrfToken;
  const name = isHttps(c) ? SECURE_COOKIE : COOKIE;
  const existing = getCookie(c, name);
  if (wellFormed(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, name, token, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
  return token;
}

/**
 * Why this change request must be refused, or `null` when it may go on.
 * @param submitted the form's `_csrf` field
 */
export function csrfProblem(c: Context, user: UiUser, submitted: unknown, trustedOrigins: readonly string[] = []): string | null {
  const crossSite = crossSiteProblem(c.req.raw, { trustedOrigins });
  if (crossSite) return crossSite;
  const expected = user.csrfToken ?? getCookie(c, isHttps(c) ? SECURE_COOKIE : COOKIE);
  if (!wellFormed(expected) || typeof submitted !== 'string')
    return 'the form is missing its security token; reload the page and try again';
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'the form’s security token does not match; reload the page and try again';
  return null;
}
