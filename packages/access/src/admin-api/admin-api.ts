/**
 * {@link createAdminApi}: the GitLab-like admin REST API over an {@link AccessStore}, as a Hono
 * app the standalone server mounts at `/api/v1`.
 *
 * Before anything else, a request a browser sent on behalf of another site (`Sec-Fetch-Site:
 * cross-site` or `same-site`, or an `Origin` that is not this host's) is refused with 403,
 * before its credentials are even looked at: an admin's cached Basic credentials (or, later, a
 * page's session cookie) must not act for a form on some other site. Then every route needs
 * HTTP Basic auth (see {@link basicAuth}). JSON bodies must be `application/json` and at most
 * `ADMIN_BODY_MAX_BYTES` (64 KiB), counted while they stream.
 *
 * Errors are JSON `{ "message": … }`: 400 bad input, 401 no or wrong credentials, 403 not
 * allowed or cross-site, 404 not found, 409 conflict, 413 body too large, 415 body not
 * `application/json`, 429 throttled; the store's error codes map to statuses here and nowhere
 * else. Bad input never produces a 500.
 * @module
 */
import { crossSiteProblem, unavailableError } from '@wharf/core';
import type { Hono, MiddlewareHandler } from 'hono';
import { isAccessError } from '../model/access-error.js';
import type { AccessStore } from '../store/access-store.js';
import { basicAuth, type BasicAuthOptions } from './basic-auth.js';
import { type AdminEnv, ApiError, newAdminApp } from './context.js';
import { namespaceRoutes } from './namespace-routes.js';
import { tokenRoutes } from './token-routes.js';
import { userRoutes } from './user-routes.js';

export { ADMIN_BODY_MAX_BYTES } from './context.js';

/** Options of {@link createAdminApi}. */
export interface AdminApiOptions extends BasicAuthOptions {
  /**
   * Origins (`https://admin.example.com`) besides the request's own host whose browser
   * requests are accepted; default none.
   */
  readonly trustedOrigins?: readonly string[];
}

const STATUS = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400, LOCKED: 503, CORRUPT: 500 } as const;

/** Refuse requests a browser makes for another site, whatever their method (see the module doc). */
function refuseCrossSite(trustedOrigins: readonly string[] | undefined): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const problem = crossSiteProblem(c.req.raw, trustedOrigins ? { trustedOrigins } : {});
    if (problem) throw new ApiError(403, problem);
    await next();
  };
}

/**
 * The admin API.
 * @param options.throttle the host's failed-login throttle (core's `LoginThrottle`), shared with the token service
 * @param options.onFailedLogin called after each failed Basic login
 * @param options.trustedOrigins other origins whose browser requests are accepted (default none)
 * @example
 * app.route('/api/v1', createAdminApi(store, { throttle }));
 */
export function createAdminApi(store: AccessStore, options: AdminApiOptions = {}): Hono<AdminEnv> {
  const { trustedOrigins, ...auth } = options;
  const app = newAdminApp();
  app.use('*', refuseCrossSite(trustedOrigins));
  app.use('*', basicAuth(store, auth));
  userRoutes(app, store);
  namespaceRoutes(app, store);
  tokenRoutes(app, store);
  // A catch-all route rather than notFound(): a mounted app's notFound is not used by its parent.
  app.all('*', (c) => c.json({ message: `no route ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 300)}` }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json({ message: error.message }, error.status, error.headers);
    if (isAccessError(error)) return c.json({ message: error.message }, STATUS[error.code]);
    const unavailable = unavailableError(error);
    if (unavailable) return c.json({ message: unavailable.message }, 503, { 'Retry-After': String(unavailable.retryAfterSeconds) });
    // A client that left mid-request (its body aborted) is no server error: the access log has its line.
    if (!c.req.raw.signal.aborted) console.error('wharf admin API:', error);
    return c.json({ message: 'internal error' }, 500);
  });
  return app;
}
