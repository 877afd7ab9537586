/**
 * Credentials that are a bare token, without a username: GitLab's REST API takes a personal
 * access token in `PRIVATE-TOKEN` or `Authorization: Bearer`, and a CI job's token in
 * `JOB-TOKEN`. Looked up by the secret's sha256 and compared in constant time, like the
 * username-and-token logins of authenticate.ts; no password is ever hashed here, so these
 * checks need no throttle.
 * @module
 */
import type { AccessState } from '../model/access-state.js';
import { type CredentialContext, usableJob, usablePersonalAccessToken } from './credential-context.js';
import { hashToken, sameTokenHash } from './secrets.js';

/** The personal access token whose secret this is, when it and its owner are usable now. */
export function personalAccessTokenCredential(state: AccessState, secret: string, now: Date): CredentialContext | null {
  const hash = hashToken(secret);
  const token = state.personalAccessTokenByHash(hash);
  if (!token || !sameTokenHash(token.tokenHash, hash)) return null;
  const user = usablePersonalAccessToken(state, token, now);
  return user ? { kind: 'personal-access-token', user, token } : null;
}

/** The running job whose token this is, acting as its user. */
export function jobTokenCredential(state: AccessState, secret: string, now: Date): CredentialContext | null {
  const hash = hashToken(secret);
  const job = state.jobByHash(hash);
  if (!job || !sameTokenHash(job.tokenHash, hash)) return null;
  const user = usableJob(state, job, now);
  return user ? { kind: 'job', user, job } : null;
}
