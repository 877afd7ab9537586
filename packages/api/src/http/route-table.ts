/**
 * Routes are data: each endpoint is declared once — method, path, parameters as a zod schema,
 * who may call it, what it answers — and that one declaration both serves the requests
 * (parameters are validated by the schema before the handler runs) and writes the endpoint's
 * entry in the OpenAPI document (openapi.ts). Nothing else registers routes on the API's Hono
 * app, so the document cannot miss or invent an endpoint; a test compares the two anyway.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AccessState } from '@wharf/access';
import type { Caller } from '../auth/caller.js';
import { ApiError, forbidden, unauthorized } from './api-error.js';
import { bodyParams, paramsOf, parseParams } from './input.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type ApiEnv = { Variables: { caller: Caller; state: AccessState } };
export type ApiContext = Context<ApiEnv>;

/**
 * Who may call: `public` (anonymous too; what they see is the handler's business), `user`
 * (any authenticated caller; a personal access token needs `api`, or `read_api` for reads).
 * `jobToken` lets a CI job token through as well, where GitLab allows job tokens.
 */
export interface RouteAccess {
  readonly auth: 'public' | 'user';
  readonly jobToken?: boolean;
  /**
   * A personal access token of any scope may call it (GitLab's rule for a token reading or
   * revoking itself: `/personal_access_tokens/self`).
   */
  readonly anyScope?: boolean;
}

/** A documented response. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  /** The JSON body's schema (documentation only: the handler builds the body). */
  readonly schema?: z.ZodType;
  /** Offset pagination headers (and keyset `Link`, when `keyset`). */
  readonly paginated?: 'offset' | 'keyset';
}

/** One endpoint. `path` uses Hono's `:param` syntax; path parameters are strings. */
export interface RouteDefinition<I extends z.ZodType = z.ZodType> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: RouteAccess;
  /** Query and body parameters, merged (see input.ts). */
  readonly input?: I;
  readonly response: RouteResponse;
  /** Statuses of refusals worth documenting besides the common ones. */
  readonly errors?: readonly number[];
  readonly handler: (c: ApiContext, input: z.output<I>) => Response | Promise<Response>;
}

/** Documentation of the path parameters that recur (ids that may also be full paths). */
export const PATH_PARAMETERS: Readonly<Record<string, string>> = {
  id: 'The numeric id, or the URL-encoded full path (`group%2Fproject`)',
  user_id: 'The numeric id of the user',
  repository_id: 'The numeric id of the registry repository',
  tag_name: 'The tag',
  token_id: 'The numeric id of the token',
  protection_rule_id: 'The numeric id of the rule',
  deploy_token_id: 'The numeric id of the deploy token',
  job_id: 'The numeric id of the CI job',
};

function isRead(method: HttpMethod): boolean {
  return method === 'get';
}

/** Refuse a caller the route's access does not let in. */
function checkAccess(c: ApiContext, route: RouteDefinition): void {
  const caller = c.get('caller');
  if (caller.kind === 'job' && !route.access.jobToken) throw forbidden('a CI job token cannot use this endpoint');
  const scoped = caller.kind === 'user' && caller.token && !route.access.anyScope ? caller.token.scopes : null;
  if (route.access.auth === 'public') {
    if (scoped) checkScopes(scoped, route.method);
    return;
  }
  if (caller.kind === 'anonymous') throw unauthorized();
  if (scoped) checkScopes(scoped, route.method);
}

/** GitLab's scope rule for the REST API: `api` for everything, `read_api` for reads. */
function checkScopes(scopes: readonly string[], method: HttpMethod): void {
  if (scopes.includes('api') || (isRead(method) && scopes.includes('read_api'))) return;
  throw new ApiError(403, `403 Forbidden - insufficient_scope: this request needs a token with the ${isRead(method) ? 'api or read_api' : 'api'} scope`);
}

/** The API's routes: registered on a Hono app and listed for the OpenAPI document. */
export class RouteTable {
  readonly #routes: RouteDefinition[] = [];

  /** Declare an endpoint. */
  add<I extends z.ZodType>(route: RouteDefinition<I>): void {
    this.#routes.push(route as unknown as RouteDefinition);
  }

  get routes(): readonly RouteDefinition[] {
    return this.#routes;
  }

  /** Register every route on `app`, with access checks and parameter validation. */
  mount(app: Hono<ApiEnv>): void {
    for (const route of this.#routes) {
      app.on(route.method.toUpperCase(), route.path, async (c) => {
        checkAccess(c, route);
        const query = paramsOf(new URL(c.req.url).searchParams);
        const body = route.method === 'get' ? {} : await bodyParams(c.req.raw);
        const input = route.input ? parseParams(route.input, { ...query, ...body }) : undefined;
        return route.handler(c, input);
      });
    }
  }
}
