/**
 * What the store hands out: records without their secret hashes, tokens with a computed
 * `state`. The admin API and the CLI present these; nothing outside the auth code ever sees a
 * password hash or token hash.
 * @module
 */
import { isExpired } from './expiry.js';
import { isJobActive } from './jobs.js';
import type { DeployTokenRecord, JobRecord, PersonalAccessTokenRecord, UserRecord } from './schema.js';

/** A user as shown to administrators. */
export interface UserInfo {
  readonly id: string;
  readonly username: string;
  readonly admin: boolean;
  readonly twoFactor: boolean;
  readonly blocked: boolean;
  readonly external: boolean;
  /** False for users who can only log in with tokens. */
  readonly hasPassword: boolean;
  readonly createdAt: string;
}

/** Whether a token can still be used. */
export type TokenState = 'active' | 'revoked' | 'expired';

export type PersonalAccessTokenInfo = Readonly<Omit<PersonalAccessTokenRecord, 'tokenHash'>> & { readonly state: TokenState };
export type DeployTokenInfo = Readonly<Omit<DeployTokenRecord, 'tokenHash'>> & { readonly state: TokenState };
export type JobInfo = Readonly<Omit<JobRecord, 'tokenHash'>> & { readonly tokenActive: boolean };

export function userInfo(user: UserRecord): UserInfo {
  const { passwordHash, ...rest } = user;
  return { ...rest, hasPassword: passwordHash !== null };
}

function tokenState(token: { revoked: boolean; expiresAt: string | null }, now: Date): TokenState {
  if (token.revoked) return 'revoked';
  return isExpired(token.expiresAt, now) ? 'expired' : 'active';
}

export function personalAccessTokenInfo(token: PersonalAccessTokenRecord, now: Date): PersonalAccessTokenInfo {
  const { tokenHash, ...rest } = token;
  return { ...rest, state: tokenState(token, now) };
}

export function deployTokenInfo(token: DeployTokenRecord, now: Date): DeployTokenInfo {
  const { tokenHash, ...rest } = token;
  return { ...rest, state: tokenState(token, now) };
}

export function jobInfo(job: JobRecord, now: Date): JobInfo {
  const { tokenHash, ...rest } = job;
  return { ...rest, tokenActive: isJobActive(job, now) };
}
