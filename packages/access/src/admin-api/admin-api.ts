/**
 * {@link createAdminApi}: the GitLab-like admin REST API over an {@link AccessStore}, as a Hono
 * app the standalone server mounts at `/api/v1`.
 *
 * Every route needs HTTP Basic auth (see {@link basicAuth}). Errors are JSON
 * `{ "message": … }`: 400 bad input, 401 no or wrong credentials, 403 not allowed, 404 not
 * found, 409 conflict, 429 throttled; the store's error codes map to statuses here and
 * nowhere else. Bad input never produces a 500.
 * @module
 */
import type { Hono } from 'hono';
import { isAccessError } from '../model/access-error.js';
import type { AccessStore } from '../store/access-store.js';
import { basicAuth, type BasicAuthOptions } from './basic-auth.js';
import { type AdminEnv, ApiError, newAdminApp } from './context.js';
import { namespaceRoutes } from './namespace-routes.js';
import { tokenRoutes } from './token-routes.js';
import { userRoutes } from './user-routes.js';

/** Options of {@link createAdminApi}. */
export type AdminApiOptions = BasicAuthOptions;

const STATUS = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400, LOCKED: 503, CORRUPT: 500 } as const;

/**
 * The admin API.
 * @param options.throttle the host's failed-login throttle (core's `LoginThrottle`), shared with the token service
 * @param options.onFailedLogin called after each failed Basic login
 * @example
 * app.route('/api/v1', createAdminApi(store, { throttle }));
 */
export function createAdminApi(store: AccessStore, options: AdminApiOptions = {}): Hono<AdminEnv> {
  const app = newAdminApp();
  app.use('*', basicAuth(store, options));
  userRoutes(app, store);
  namespaceRoutes(app, store);
  tokenRoutes(app, store);
  // A catch-all route rather than notFound(): a mounted app's notFound is not used by its parent.
  app.all('*', (c) => c.json({ message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json({ message: error.message }, error.status, error.headers);
    if (isAccessError(error)) return c.json({ message: error.message }, STATUS[error.code]);
    console.error('wharf admin API:', error);
    return c.json({ message: 'internal error' }, 500);
  });
  return app;
}
