/**
 * Who may use the standalone server's deprecated management API (`/api/v1/registry`, kept as an
 * alias for older scripts; Wharf's own tools use GitLab's REST API at `/api/v4`, which identifies
 * its callers itself): a caller presents either Basic credentials (a password, personal access
 * token, deploy or job token — checked by the access model, then asked what it may do) or a
 * registry Bearer token (its `access` claim decides). Without credentials the caller is
 * anonymous: public projects can be listed.
 * @module
 */
import {
  ANONYMOUS,
  authenticateThrottled,
  RegistryError,
  type AccessRequest,
  type AuthHooks,
  type ClientAddress,
  type LoginThrottlePolicy,
  type ManagementAuthorizer,
  type Principal,
  type TokenVerifier,
} from '@wharf/core';
import type { Context } from 'hono';

/**
 * @param clientAddress the request's client address for the throttle (the serving adapter's
 *   `getConnInfo`); without it password failures count per login name only.
 */
export function createManagementAuthorizer(hooks: AuthHooks, verifier: TokenVerifier, throttle: LoginThrottlePolicy, clientAddress?: ClientAddress): ManagementAuthorizer {
  // The management routes hand an authorizer the request and the Hono env, not the Context; the
  // adapters' getConnInfo reads only those two.
  const addressOf = (request: Request, env: unknown): string | undefined => clientAddress?.({ req: { raw: request }, env } as unknown as Context);
  // One request may ask several times (a listing authorizes its candidates in batches): the
  // credentials are checked once per request, so a listing costs one password hash and a wrong
  // password counts as one failed login.
  const callers = new WeakMap<Request, Promise<Caller>>();
  const callerOf = (request: Request, env: unknown): Promise<Caller> => {
    let caller = callers.get(request);
    if (!caller) {
      caller = identify(request, hooks, verifier, throttle, addressOf(request, env));
      callers.set(request, caller);
    }
    return caller;
  };
  return async (request, wanted, env) => {
    const caller = await callerOf(request, env);
    if ('access' in caller) return caller.access;
    return hooks.authorize(caller.principal, wanted as AccessRequest[]);
  };
}

/** A Bearer token's own grants, or who presented Basic credentials (anonymous without any). */
type Caller = { readonly access: readonly AccessRequest[] } | { readonly principal: Principal };

async function identify(request: Request, hooks: AuthHooks, verifier: TokenVerifier, throttle: LoginThrottlePolicy, address: string | undefined): Promise<Caller> {
  const header = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer) {
    const token = await verifier.verify(bearer).catch(() => {
      throw new RegistryError('UNAUTHORIZED', 'the Bearer token is invalid or expired');
    });
    return { access: token.access };
  }
  return { principal: await basicPrincipal(header, hooks, throttle, address) };
}

async function basicPrincipal(header: string, hooks: AuthHooks, throttle: LoginThrottlePolicy, address: string | undefined): Promise<Principal> {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!encoded) return ANONYMOUS;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // The token service's rules: tokens first, only password checks throttled (throttled-login.ts).
  const principal = await authenticateThrottled(hooks, { kind: 'password', username, password }, { throttle, account: username, address });
  if (!principal) {
    throw new RegistryError('UNAUTHORIZED', 'incorrect username or password', { challenge: 'Basic realm="wharf", charset="UTF-8"' });
  }
  return principal;
}
