/**
 * HTTP Basic authentication for the admin API. Accepted: a user's username with their
 * password (not when the user has 2FA, like GitLab's API which wants a token then) or with a
 * personal access token carrying the `api` scope. Deploy tokens and job tokens are refused.
 *
 * Failed logins go through the same throttle as the token service (a `LoginThrottle` from
 * `@wharf/core`, or anything with its three methods), by core's `guardLogin`: password checks
 * are counted per username and client address and per address, tokens are checked first and
 * never throttled, so the admin API is not a side door for password guessing. Password hashes
 * queue in the bounded {@link PasswordQueue}; when it is full the answer is 429 at once.
 * @module
 */
import { type ClientAddress, guardLogin, isRegistryError } from '@wharf/core';
import type { MiddlewareHandler } from 'hono';
import { checkPasswordCredentials } from '../auth/authenticate.js';
import type { CredentialContext } from '../auth/credential-context.js';
import { type PasswordQueue, PasswordQueueFullError } from '../auth/password-queue.js';
import type { AccessStore } from '../store/access-store.js';
import { type AdminEnv, ApiError } from './context.js';

/** The failed-login throttle shared with the token service (`LoginThrottle` from `@wharf/core` fits). */
export interface LoginThrottleLike {
  /** Milliseconds until a password may be checked for `account` from `address`; 0 when now. */
  retryAfterMs(account: string, address?: string): number;
  /** A password check for `account` from `address` (counted when it starts). */
  fail(account: string, address?: string): void;
  /** The password was right: clear the name's count, take this attempt's back. */
  succeed(account: string, address?: string): void;
  /** Read the latest counts before a login (a throttle shared through a database). */
  prepare?(account: string, address?: string): Promise<void>;
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
  /** The client address for the throttle (the serving adapter's `getConnInfo`); without it, per username only. */
  readonly clientAddress?: ClientAddress;
  /** Where password checks queue (default the process's shared queue); share it with the access hooks. */
  readonly passwords?: PasswordQueue;
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="wharf-admin", charset="UTF-8"' };

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
  const addressOf: ClientAddress = options.clientAddress ?? (() => undefined);
  return async (c, next) => {
    const credentials = decodeBasic(c.req.header('authorization'));
    if (!credentials) throw new ApiError(401, 'authenticate with HTTP Basic: a username and password or personal access token', CHALLENGE);
    const address = addressOf(c);
    const state = await store.state();
    const passwords = options.passwords ? { passwords: options.passwords } : {};
    let context: CredentialContext | null;
    try {
      context = await guardLogin(throttle, credentials.username, address, (passwordAttempt) =>
        checkPasswordCredentials(
          { state, now: store.now(), passwordCost: store.passwordCost, ...passwords, beforePasswordCheck: passwordAttempt },
          credentials.username,
          credentials.password,
        ),
      );
    } catch (error) {
      // Locked for passwords, or password hashing saturated: 429 in this API's shape.
      if (isRegistryError(error) && error.code === 'TOOMANYREQUESTS') throw new ApiError(429, error.message, error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) });
      if (error instanceof PasswordQueueFullError)
        throw new ApiError(429, error.message, { 'Retry-After': String(error.retryAfterSeconds) });
      throw error;
    }
    if (!context) {
      await options.onFailedLogin?.({ username: credentials.username, address, request: c.req.raw });
      throw new ApiError(401, 'incorrect username, password or token', CHALLENGE);
    }
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
