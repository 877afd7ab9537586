/**
 * Who is calling the API, from GitLab's ways of presenting a token:
 *
 * - `PRIVATE-TOKEN: <personal access token>` or `Authorization: Bearer <personal access token>`;
 * - `JOB-TOKEN: <CI job token>` (also `Authorization: Bearer` is not a job token in GitLab, so
 *   not here either);
 * - `Authorization: Basic` with a username and a password or personal access token (or
 *   `gitlab-ci-token` and a job token) — Wharf's own tools and the registry's logins use it;
 *   GitLab's API does not, so password checks go through the shared login throttle;
 * - nothing: anonymous, who may read public projects as in GitLab.
 *
 * A credential that is wrong, expired, revoked or blocked is 401 whatever else the request
 * holds: a client that meant to authenticate must not silently get an anonymous answer.
 * Deploy tokens do not open the REST API (GitLab's rule); they are 401 here too.
 * @module
 */
import {
  type AccessState,
  type AccessStore,
  checkPasswordCredentials,
  type CredentialContext,
  jobTokenCredential,
  type LoginThrottleLike,
  type PasswordQueue,
  PasswordQueueFullError,
  personalAccessTokenCredential,
} from '@wharf/access';
import { type ClientAddress, guardLogin, isRegistryError } from '@wharf/core';
import type { JobRecord, PersonalAccessTokenRecord, UserRecord } from '@wharf/access';
import { ApiError, unauthorized } from '../http/api-error.js';

/** A caller the API knows. */
export type Caller =
  | { readonly kind: 'anonymous' }
  /** A user, by password (all rights of the user) or by a personal access token (its scopes). */
  | { readonly kind: 'user'; readonly user: UserRecord; readonly token?: PersonalAccessTokenRecord }
  /** A running CI job, acting as its user within GitLab's job-token limits. */
  | { readonly kind: 'job'; readonly user: UserRecord; readonly job: JobRecord };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** How the caller's credentials are checked. */
export interface CallerOptions {
  readonly throttle?: LoginThrottleLike | false;
  readonly clientAddress?: ClientAddress;
  readonly passwords?: PasswordQueue;
}

function callerOf(context: CredentialContext | null): Caller | null {
  if (context === null) return null;
  switch (context.kind) {
    case 'user':
      return { kind: 'user', user: context.user };
    case 'personal-access-token':
      return { kind: 'user', user: context.user, token: context.token };
    case 'job':
      return { kind: 'job', user: context.user, job: context.job };
    case 'deploy-token':
      return null;
  }
}

function decodeBasic(header: string): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="wharf-api", charset="UTF-8"' };

/**
 * The request's caller.
 * @throws ApiError 401 for credentials that do not work, 429 when password checks are throttled
 */
export async function identifyCaller(
  request: Request,
  store: AccessStore,
  state: AccessState,
  options: CallerOptions,
  address: string | undefined,
): Promise<Caller> {
  const now = store.now();
  const jobToken = request.headers.get('job-token');
  if (jobToken !== null) return callerOf(jobTokenCredential(state, jobToken.trim(), now)) ?? refuse();
  const privateToken = request.headers.get('private-token');
  if (privateToken !== null) return callerOf(personalAccessTokenCredential(state, privateToken.trim(), now)) ?? refuse();
  const authorization = request.headers.get('authorization');
  if (authorization === null) return ANONYMOUS;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer?.[1]) return callerOf(personalAccessTokenCredential(state, bearer[1], now)) ?? refuse();
  const basic = decodeBasic(authorization);
  if (!basic) throw unauthorized('use PRIVATE-TOKEN, JOB-TOKEN, Authorization: Bearer or Basic');
  const throttle = options.throttle || undefined;
  try {
    const context = await guardLogin(throttle, basic.username, address, (passwordAttempt) =>
      checkPasswordCredentials(
        {
          state,
          now,
          passwordCost: store.passwordCost,
          ...(options.passwords ? { passwords: options.passwords } : {}),
          beforePasswordCheck: passwordAttempt,
        },
        basic.username,
        basic.password,
      ),
    );
    return callerOf(context) ?? refuse(BASIC_CHALLENGE);
  } catch (error) {
    if (isRegistryError(error) && error.code === 'TOOMANYREQUESTS')
      throw new ApiError(429, `429 Too Many Requests - ${error.message}`, error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) });
    if (error instanceof PasswordQueueFullError)
      throw new ApiError(429, `429 Too Many Requests - ${error.message}`, { 'Retry-After': String(error.retryAfterSeconds) });
    throw error;
  }
}

function refuse(headers: Record<string, string> = {}): never {
  throw new ApiError(401, '401 Unauthorized', headers);
}

/** The caller as access's credential context (for access's rules), or `null` for anonymous. */
export function credentialOf(caller: Caller): CredentialContext | null {
  switch (caller.kind) {
    case 'anonymous':
      return null;
    case 'user':
      return caller.token ? { kind: 'personal-access-token', user: caller.user, token: caller.token } : { kind: 'user', user: caller.user };
    case 'job':
      return { kind: 'job', user: caller.user, job: caller.job };
  }
}
