/**
 * {@link createGitLabApi}: GitLab's REST API v4 as a Hono app, over an access store (users,
 * groups, projects, tokens) and a registry's management (repositories, tags, cleanup), for a
 * host to mount at `/api/v4`.
 *
 * Every request passes, in order: the cross-site check (a browser request made for another
 * site is refused before its credentials are looked at), the caller (caller.ts), then the
 * route's access check and its parameters (route-table.ts), whose body is read with a limit
 * (64 KiB, counted while it streams; no request of this API needs more; input.ts). Errors are GitLab's JSON
 * (`{ "message": … }`, api-error.ts); the access store's and the registry's errors are mapped
 * to statuses here and nowhere else. Bad input never produces a 500.
 * @module
 */
import { type AccessStore, isAccessError } from '@wharf/access';
import { type ClientAddress, crossSiteProblem, ERROR_CODES, isRegistryError, type RegistryManagement, unavailableError } from '@wharf/core';
import { Hono } from 'hono';
import { type CallerOptions, identifyCaller } from './auth/caller.js';
import { ApiError, type ApiErrorStatus } from './http/api-error.js';
import { BODY_MAX_BYTES } from './http/input.js';
import { openApiDocument } from './http/openapi.js';
import { type ApiEnv, RouteTable } from './http/route-table.js';
import type { ApiDeps } from './deps.js';
import { projectRoutes } from './projects/project-routes.js';
import { transferRoute } from './projects/transfer-route.js';
import { registryRoutes } from './registry/registry-routes.js';
import { protectionRoutes } from './registry/protection-routes.js';
import { userRoutes } from './users/user-routes.js';
import { tokenRoutes } from './tokens/token-routes.js';
import { groupRoutes } from './groups/group-routes.js';
import { memberRoutes } from './members/member-routes.js';

/** Largest request body the API reads (input.ts reads it, counting while it streams). */
export const API_BODY_MAX_BYTES = BODY_MAX_BYTES;

/** Options of {@link createGitLabApi}. */
export interface GitLabApiOptions extends CallerOptions {
  readonly store: AccessStore;
  readonly management: RegistryManagement;
  /**
   * The registry's address as clients name it in image paths (`registry.example.com:5000`),
   * and the origin of `web_url`s; default the request's own.
   */
  readonly publicUrl?: string;
  /** Origins besides the request's own whose browser requests are accepted; default none. */
  readonly trustedOrigins?: readonly string[];
  /** The request's client address, for the failed-login throttle. */
  readonly clientAddress?: ClientAddress;
  /** Where the API is mounted, for the OpenAPI document's `servers` (default `/api/v4`). */
  readonly basePath?: string;
}

const ACCESS_STATUS = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400, LOCKED: 503, CORRUPT: 500 } as const;

/** Every route of the API, in one table (the OpenAPI document is written from it). */
export function apiRoutes(deps: ApiDeps): RouteTable {
  const table = new RouteTable();
  projectRoutes(table, deps);
  transferRoute(table, deps);
  groupRoutes(table, deps);
  memberRoutes(table, deps);
  userRoutes(table, deps);
  tokenRoutes(table, deps);
  registryRoutes(table, deps);
  protectionRoutes(table, deps);
  return table;
}

/**
 * The API.
 * @example
 * app.route('/api/v4', createGitLabApi({ store, management: registry.management, throttle }));
 */
export function createGitLabApi(options: GitLabApiOptions): Hono<ApiEnv> {
  const { store, management, trustedOrigins } = options;
  const basePath = options.basePath ?? '/api/v4';
  const deps: ApiDeps = { store, management, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) };
  const table = apiRoutes(deps);
  table.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'meta',
    summary: 'This API as an OpenAPI 3.1 document',
    access: { auth: 'public', jobToken: true },
    response: { status: 200, description: 'The document' },
    handler: (c) => c.json(document),
  });
  const document = openApiDocument(table.routes, { basePath, version: '4' });

  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    const problem = crossSiteProblem(c.req.raw, trustedOrigins ? { trustedOrigins } : {});
    if (problem) throw new ApiError(403, `403 Forbidden - ${problem}`);
    const state = await store.state();
    c.set('state', state);
    c.set('caller', await identifyCaller(c.req.raw, store, state, options, options.clientAddress?.(c)));
    await next();
  });
  table.mount(app);
  // A catch-all route rather than notFound(): a mounted app's notFound is not used by its parent.
  app.all('*', (c) => c.json({ message: '404 Not Found' }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status, error.headers);
    if (isAccessError(error)) {
      const status = ACCESS_STATUS[error.code];
      return c.json({ message: status === 400 ? `400 Bad request - ${error.message}` : error.message }, status);
    }
    if (isRegistryError(error)) {
      const status = ERROR_CODES[error.code].status as ApiErrorStatus;
      return c.json({ message: error.message }, status, error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) });
    }
    const unavailable = unavailableError(error);
    if (unavailable) {
      console.error('wharf API:', (error as Error).message);
      return c.json({ message: `503 Service Unavailable - ${unavailable.message}` }, 503, { 'Retry-After': String(unavailable.retryAfterSeconds) });
    }
    // A client that left mid-request (its body aborted) is no server error.
    if (!c.req.raw.signal.aborted) console.error('wharf API:', error);
    return c.json({ message: '500 Internal Server Error' }, 500);
  });
  return app;
}
