/**
 * Is a credential still good, and whose is it? One answer for login, refresh and every
 * authorization: a principal's `subject` and `session` are re-read against the current state,
 * so blocking a user, revoking a token or finishing a job takes effect on the next request,
 * not when some cached principal expires.
 *
 * Rules: a user must exist and not be blocked; a password session additionally ends when
 * the user turns on 2FA or loses the password; a token must not be revoked or expired and its
 * owner or target must still exist; a job must be running, before its deadline, with its
 * project and unblocked user still there.
 * @module
 */
import type { AccessState } from '../model/access-state.js';
import { isExpired } from '../model/expiry.js';
import { isJobActive } from '../model/jobs.js';
import type { DeployTokenRecord, JobRecord, PersonalAccessTokenRecord, UserRecord } from '../model/schema.js';
import { type AccessPrincipal, deployTokenPrincipal, jobPrincipal, parseSubject, patPrincipal, userPrincipal } from './principal.js';

/** A credential that is valid now, with the records it stands for. */
export type CredentialContext =
  | { readonly kind: 'user'; readonly user: UserRecord }
  | { readonly kind: 'personal-access-token'; readonly user: UserRecord; readonly token: PersonalAccessTokenRecord }
  | { readonly kind: 'deploy-token'; readonly token: DeployTokenRecord }
  | { readonly kind: 'job'; readonly user: UserRecord; readonly job: JobRecord };

/** The user, when it exists and is not blocked. */
export function usableUser(state: AccessState, userId: string): UserRecord | null {
  const user = state.document.users.get(userId);
  return user && !user.blocked ? user : null;
}

/** Whether a user may log in with a password at all (the password itself is checked elsewhere). */
export function passwordLoginAllowed(user: UserRecord): boolean {
  return !user.blocked && !user.twoFactor && user.passwordHash !== null;
}

/** The token's owner, when the token and the owner are usable. */
export function usablePersonalAccessToken(state: AccessState, token: PersonalAccessTokenRecord, now: Date): UserRecord | null {
  if (token.revoked || isExpired(token.expiresAt, now)) return null;
  return usableUser(state, token.userId);
}

/** Whether a deploy token is usable (and its project or group still exists). */
export function usableDeployToken(state: AccessState, token: DeployTokenRecord, now: Date): boolean {
  if (token.revoked || isExpired(token.expiresAt, now)) return false;
  const target =
    token.target.type === 'project' ? state.document.projects.get(token.target.id) : state.document.groups.get(token.target.id);
  return target !== undefined;
}

/** The job's user, when the job's token is usable. */
export function usableJob(state: AccessState, job: JobRecord, now: Date): UserRecord | null {
  if (!isJobActive(job, now) || !state.document.projects.has(job.projectId)) return null;
  return usableUser(state, job.userId);
}

/**
 * The valid credential a subject and session stand for, or `null` when it is no longer valid
 * (or was never made here).
 */
export function credentialContext(state: AccessState, subject: string, session: string | undefined, now: Date): CredentialContext | null {
  const parsed = parseSubject(subject);
  if (!parsed) return null;
  switch (parsed.kind) {
    case 'user': {
      if (session === undefined) {
        const user = state.document.users.get(parsed.id);
        return user && passwordLoginAllowed(user) ? { kind: 'user', user } : null;
      }
      const token = state.document.personalAccessTokens.get(session);
      if (!token || token.userId !== parsed.id) return null;
      const user = usablePersonalAccessToken(state, token, now);
      return user ? { kind: 'personal-access-token', user, token } : null;
    }
    case 'deploy-token': {
      const token = state.document.deployTokens.get(parsed.id);
      if (!token || (session !== undefined && session !== token.id)) return null;
      return usableDeployToken(state, token, now) ? { kind: 'deploy-token', token } : null;
    }
    case 'job': {
      const job = state.document.jobs.get(parsed.id);
      if (!job || (session !== undefined && session !== job.id)) return null;
      const user = usableJob(state, job, now);
      return user ? { kind: 'job', user, job } : null;
    }
  }
}

/** The principal of a valid credential. */
export function principalOf(context: CredentialContext): AccessPrincipal {
  switch (context.kind) {
    case 'user':
      return userPrincipal(context.user);
    case 'personal-access-token':
      return patPrincipal(context.user, context.token);
    case 'deploy-token':
      return deployTokenPrincipal(context.token);
    case 'job':
      return jobPrincipal(context.user, context.job);
  }
}
