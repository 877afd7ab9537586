/**
 * HTTP Basic authentication for the admin API. Accepted: a user's username with their
 * password (not when the user has 2FA, like GitLab's API which wants a token then) or with a
 * personal access token carrying the `api` scope. Deploy tokens and job tokens are refused.
 *
 * Failed logins go through the same throttle as the token service (a `LoginThrottle` from
 * `@wharf/core`, or anything with its three methods), keyed on the username and client
 * address, so the admin API is not a side door for password guessing.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { checkPasswordCredentials } from '../auth/authenticate.js';
import type { AccessStore } from '../store/access-store.js';
import { type AdminEnv, ApiError } from './context.js';

/** The failed-login throttle shared with the token service (`LoginThrottle` from `@wharf/core` fits). */
export interface LoginThrottleLike {
  /** Milliseconds until `account` may try again from `address`; 0 when now. */
  retryAfterMs(account: string, address?: string): number;
  fail(account: string, address?: string): void;
  succeed(account: string, address?: string): void;
}

/** A failed admin API login, as reported to {@link BasicAuthOptions.onFailedLogin}. */
export interface FailedLogin {
  readonly username: string;
  readonly address: string | undefined;
  readonly request: Request;
}

export interface BasicAuthOptions {
  /** The host's login throttle; shared with the token service so both count together. */
  readonly throttle?: LoginThrottleLike | false;
  /** Called after every failed login (for logs or a host's own throttle). */
  readonly onFailedLogin?: (attempt: FailedLogin) => unknown;
  /** The client address for the throttle; default the Node socket address from the Hono env. */
  readonly clientAddress?: (request: Request, env: unknown) => string | undefined;
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="wharf-admin", charset="UTF-8"' };

function defaultClientAddress(_request: Request, env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}

function decodeBasic(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The middleware: sets `caller`, or answers 401/403/429. */
export function basicAuth(store: AccessStore, options: BasicAuthOptions = {}): MiddlewareHandler<AdminEnv> {
  const throttle = options.throttle || undefined;
  const addressOf = options.clientAddress ?? defaultClientAddress;
  return async (c, next) => {
    const credentials = decodeBasic(c.req.header('authorization'));
    if (!credentials) throw new ApiError(401, 'authenticate with HTTP Basic: a username and password or personal access token', CHALLENGE);
    const address = addressOf(c.req.raw, c.env);
    const wait = throttle?.retryAfterMs(credentials.username, address) ?? 0;
    if (wait > 0) throw new ApiError(429, 'too many failed logins; try again later', { 'Retry-After': String(Math.ceil(wait / 1000)) });

    const state = await store.state();
    const context = await checkPasswordCredentials(
      { state, now: store.now(), passwordCost: store.passwordCost },
      credentials.username,
      credentials.password,
    );
    if (!context) {
      throttle?.fail(credentials.username, address);
      await options.onFailedLogin?.({ username: credentials.username, address, request: c.req.raw });
      throw new ApiError(401, 'incorrect username, password or token', CHALLENGE);
    }
    throttle?.succeed(credentials.username, address);
    if (context.kind === 'deploy-token' || context.kind === 'job')
      throw new ApiError(403, 'deploy tokens and job tokens cannot use the admin API');
    if (context.kind === 'personal-access-token') {
      if (!context.token.scopes.includes('api'))
        throw new ApiError(403, 'the personal access token needs the "api" scope for the admin API');
      c.set('caller', { user: context.user, tokenId: context.token.id });
    } else {
      c.set('caller', { user: context.user });
    }
    await next();
  };
}
