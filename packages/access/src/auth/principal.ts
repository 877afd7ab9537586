/**
 * The principal the access hooks hand to core: who logged in and with which credential.
 *
 * `subject` names the identity (`user:<id>`, `deploy-token:<id>`, `job:<id>`) and `session`
 * the credential (personal access token id, deploy token id, job id; absent for a password
 * login). Core writes both into refresh tokens, so a refresh can be refused once that
 * credential is revoked. The other fields are informational: authorization always re-reads
 * the current records by id, so a principal never carries rights on its own.
 * @module
 */
import type { Principal } from '@wharf/core';
import type { DeployTokenRecord, JobRecord, PersonalAccessTokenRecord, UserRecord } from '../model/schema.js';

/** How the principal logged in. */
export type AccessPrincipalKind = 'user' | 'personal-access-token' | 'deploy-token' | 'job';

/** A principal produced by {@link createAccessHooks}. */
export interface AccessPrincipal extends Principal {
  readonly kind: AccessPrincipalKind;
  /** `user:<id>`, `deploy-token:<id>` or `job:<id>`. */
  readonly subject: string;
  /** Personal access token, deploy token or job id; absent for password logins. */
  readonly session?: string;
  /** The user's username, or the deploy token's username. */
  readonly username: string;
  /** The user (also the token's owner, or the job's user). */
  readonly userId?: string;
  /** A token's scopes. */
  readonly scopes?: readonly string[];
  /** The job's project, or a project deploy token's project. */
  readonly projectId?: string;
  /** A group deploy token's group. */
  readonly groupId?: string;
}

const KINDS: readonly string[] = ['user', 'personal-access-token', 'deploy-token', 'job'];

/** Whether a principal came from the access hooks (and is not anonymous). */
export function isAccessPrincipal(principal: Principal): principal is AccessPrincipal {
  return (
    !principal.anonymous && typeof principal.kind === 'string' && KINDS.includes(principal.kind) && typeof principal.subject === 'string'
  );
}

export function userPrincipal(user: UserRecord): AccessPrincipal {
  return { kind: 'user', subject: `user:${user.id}`, username: user.username, userId: user.id };
}

export function patPrincipal(user: UserRecord, pat: PersonalAccessTokenRecord): AccessPrincipal {
  return {
    kind: 'personal-access-token',
    subject: `user:${user.id}`,
    session: pat.id,
    username: user.username,
    userId: user.id,
    scopes: [...pat.scopes],
  };
}

export function deployTokenPrincipal(token: DeployTokenRecord): AccessPrincipal {
  return {
    kind: 'deploy-token',
    subject: `deploy-token:${token.id}`,
    session: token.id,
    username: token.username,
    scopes: [...token.scopes],
    ...(token.target.type === 'project' ? { projectId: token.target.id } : { groupId: token.target.id }),
  };
}

export function jobPrincipal(user: UserRecord, job: JobRecord): AccessPrincipal {
  return { kind: 'job', subject: `job:${job.id}`, session: job.id, username: user.username, userId: user.id, projectId: job.projectId };
}

/** Split a subject into its kind and id, or `null` for a subject not made here. */
export function parseSubject(subject: string): { kind: 'user' | 'deploy-token' | 'job'; id: string } | null {
  const match = /^(user|deploy-token|job):(.+)$/.exec(subject);
  return match ? { kind: match[1] as 'user' | 'deploy-token' | 'job', id: match[2] as string } : null;
}
