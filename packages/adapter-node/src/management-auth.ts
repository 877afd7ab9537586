/**
 * Who may use the standalone server's management API (`/api/v1/registry`): a caller presents
 * either Basic credentials (a password, personal access token, deploy or job token — checked by
 * the access model, then asked what it may do) or a registry Bearer token (its `access` claim
 * decides). Without credentials the caller is anonymous: public projects can be listed.
 * @module
 */
import { ANONYMOUS, RegistryError, type AccessRequest, type AuthHooks, type LoginThrottle, type ManagementAuthorizer, type Principal, type TokenVerifier } from '@wharf/core';

export function createManagementAuthorizer(hooks: AuthHooks, verifier: TokenVerifier, throttle: LoginThrottle): ManagementAuthorizer {
  return async (request, wanted, env) => {
    const header = request.headers.get('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer) {
      const token = await verifier.verify(bearer).catch(() => {
        throw new RegistryError('UNAUTHORIZED', 'the Bearer token is invalid or expired');
      });
      return token.access;
    }
    const principal = await basicPrincipal(header, hooks, throttle, env);
    return hooks.authorize(principal, wanted as AccessRequest[]);
  };
}

async function basicPrincipal(header: string, hooks: AuthHooks, throttle: LoginThrottle, env: unknown): Promise<Principal> {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!encoded) return ANONYMOUS;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const address = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  const wait = throttle.retryAfterMs(username, address);
  if (wait > 0) {
    throw new RegistryError('TOOMANYREQUESTS', 'too many failed logins; try again later', { headers: { 'Retry-After': String(Math.ceil(wait / 1000)) } });
  }
  const principal = await hooks.authenticate({ kind: 'password', username, password });
  if (!principal) {
    throttle.fail(username, address);
    throw new RegistryError('UNAUTHORIZED', 'incorrect username or password', { headers: { 'WWW-Authenticate': 'Basic realm="wharf", charset="UTF-8"' } });
  }
  throttle.succeed(username, address);
  return principal;
}
