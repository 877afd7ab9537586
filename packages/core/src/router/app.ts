/**
 * The distribution API as a Hono app. One catch-all route parses the path against the route
 * table (repository names contain slashes, which path templates handle poorly), validates the
 * name, asks the authorization hook, and dispatches to the route's handler. Errors become OCI
 * error responses here and nowhere else.
 * @module
 */
import { Hono } from 'hono';
import { eventRequest } from '../events/emit.js';
import type { RegistryApi } from '../api/registry-api.js';
import { toResponse } from '../errors/serialize.js';
import { isRegistryError, RegistryError } from '../errors/registry-error.js';
import type { AccessRequest } from '../hooks.js';
import { assertValidName } from '../names.js';
import { drain } from '../streams.js';
import { covers } from '../auth/scope.js';
import { requiredAccess } from './access.js';
import type { Handler, HandlerContext, ResolvedLimits } from './context.js';
import { blobHandlers } from './handlers/blobs.js';
import { baseHandlers, catalogHandlers, referrersHandlers, tagsHandlers } from './handlers/discovery.js';
import { manifestHandlers } from './handlers/manifests.js';
import { uploadHandlers, uploadStartHandlers } from './handlers/uploads.js';
import { COMMON_HEADERS } from './http.js';
import { matchRoute, type Method, type RouteName } from './routes.js';

const HANDLERS: Record<RouteName, Partial<Record<string, Handler>>> = {
  base: baseHandlers,
  catalog: catalogHandlers,
  tags: tagsHandlers,
  manifest: manifestHandlers,
  'blob-upload-start': uploadStartHandlers,
  'blob-upload': uploadHandlers,
  blob: blobHandlers,
  referrers: referrersHandlers,
};

export interface AppOptions {
  readonly limits: ResolvedLimits;
  readonly redirects: boolean;
}

/** Build the Hono app serving `/v2/…` over an API instance. */
export function createRegistryApp(api: RegistryApi, options: AppOptions): Hono {
  const app = new Hono();
  const serve = (request: Request) => handle(api, options, request);
  app.all('/v2', (c) => serve(c.req.raw));
  app.all('/v2/*', (c) => serve(c.req.raw));
  return app;
}

async function handle(api: RegistryApi, options: AppOptions, request: Request): Promise<Response> {
  const method = request.method.toUpperCase() as Method;
  let response: Response;
  try {
    response = await route(api, options, request, method);
  } catch (error) {
    await drain(request.body);
    // A client that went away mid-body is not a server failure worth reporting.
    if (!isRegistryError(error) && !request.signal.aborted) await report(api, error, request);
    response = toResponse(error, method);
  }
  for (const [k, v] of Object.entries(COMMON_HEADERS)) response.headers.set(k, v);
  return response;
}

async function route(api: RegistryApi, options: AppOptions, request: Request, method: Method): Promise<Response> {
  const url = new URL(request.url);
  const match = matchRoute(url.pathname);
  if (!match) throw new RegistryError('NOT_FOUND', `no endpoint at ${url.pathname.slice(0, 300)}`);
  const { route: spec, params } = match;
  const handler = HANDLERS[spec.name][method];
  if (!spec.methods.includes(method) || !handler) {
    throw new RegistryError('METHOD_UNKNOWN', `${method} is not allowed on ${spec.name}`, { allowedMethods: spec.methods });
  }
  const name = params.name === undefined ? '' : assertValidName(params.name);
  const access = requiredAccess(spec.name, method, params.name, url.searchParams);
  let granted: readonly AccessRequest[] = [...access.required, ...access.optional];
  let principal: unknown;
  const hook = api.hooks.onAuthorize;
  if (hook) {
    const result = await hook.call(api.hooks, { request, route: spec.name, ...access });
    if (result) {
      granted = result.granted;
      principal = result.principal;
      const missing = access.required.find((a) => !covers(granted, a));
      if (missing) {
        throw new RegistryError('DENIED', `requested access to ${missing.type} ${missing.name} (${missing.actions.join(',')}) is denied`);
      }
    }
  }
  const ctx: HandlerContext = {
    api, request, method, url, params, name, principal, granted,
    call: { principal, request: eventRequest(request) },
    limits: options.limits,
    redirects: options.redirects,
    open: !hook,
  };
  return handler(ctx);
}

async function report(api: RegistryApi, error: unknown, request: Request): Promise<void> {
  try {
    if (api.hooks.onError) await api.hooks.onError(error, { request });
    // A client that left mid-request (its body aborted) is no server error: the access log has its line.
    else if (!request.signal.aborted) console.error('wharf: unexpected error', error);
  } catch {
    // nothing left to report to
  }
}
