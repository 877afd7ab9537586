/**
 * Personal access tokens, deploy tokens and CI jobs in GitLab's JSON shapes. A token's secret
 * appears only where it is made (create, rotate) as `token`; every other answer shows the
 * record without it. Ids are GitLab's numeric ids (`number`), never the store's ulids.
 *
 * GitLab shows a personal access token's `expires_at` as a date (tokens expire at 00:00 UTC
 * of that day); Wharf also keeps exact instants, which are shown whole rather than rounded to
 * a date that would be wrong.
 * @module
 */
import type { AccessState, DeployTokenRecord, JobRecord, PersonalAccessTokenRecord } from '@wharf/access';
import { presentUserBasic, type UserUrls } from './users.js';

const MIDNIGHT = 'T00:00:00.000Z';

/** A stored expiry as GitLab shows it: `YYYY-MM-DD` when it is a date, else the instant. */
export function expiryDate(expiresAt: string | null): string | null {
  if (expiresAt === null) return null;
  return expiresAt.endsWith(MIDNIGHT) ? expiresAt.slice(0, 10) : expiresAt;
}

function expired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

/** Whether a personal access token or deploy token works at `now` (not revoked, not expired). */
export function tokenActive(token: { readonly revoked: boolean; readonly expiresAt: string | null }, now: Date): boolean {
  return !token.revoked && !expired(token.expiresAt, now);
}

/**
 * A personal access token: `{ id, name, revoked, created_at, description, scopes, user_id,
 * last_used_at, active, expires_at }`, and `token` when the secret is given (create, rotate).
 * Wharf keeps no description or last use, so both are `null`.
 */
export function presentPersonalAccessToken(state: AccessState, token: PersonalAccessTokenRecord, now: Date, secret?: string) {
  return {
    id: token.number,
    name: token.name,
    revoked: token.revoked,
    created_at: token.createdAt,
    description: null,
    scopes: token.scopes,
    user_id: state.document.users.get(token.userId)?.number ?? null,
    last_used_at: null,
    active: tokenActive(token, now),
    expires_at: expiryDate(token.expiresAt),
    ...(secret !== undefined ? { token: secret } : {}),
  };
}

/** A deploy token: `{ id, name, username, expires_at, revoked, expired, scopes }` (+ `token`). */
export function presentDeployToken(token: DeployTokenRecord, now: Date, secret?: string) {
  return {
    id: token.number,
    name: token.name,
    username: token.username,
    expires_at: token.expiresAt,
    revoked: token.revoked,
    expired: expired(token.expiresAt, now),
    scopes: token.scopes,
    ...(secret !== undefined ? { token: secret } : {}),
  };
}

/**
 * A job's GitLab status: `running`, `success` once the host finished it, `failed` when its
 * deadline passed first (GitLab's `job_execution_timeout`).
 */
export function jobStatus(job: JobRecord, now: Date): 'running' | 'success' | 'failed' {
  if (job.status === 'finished') return 'success';
  return Date.parse(job.expiresAt) > now.getTime() ? 'running' : 'failed';
}

/**
 * A CI job in the shape of GitLab's job (`GET /job`, `GET /projects/:id/jobs/:job_id`): id,
 * status, times, the user it runs as and its project. Wharf runs no pipelines, so the git and
 * pipeline fields are `null`; `expires_at` (when the job's token stops working) and
 * `token` (on start only) are Wharf's.
 */
export function presentJob(state: AccessState, job: JobRecord, now: Date, urls: UserUrls, secret?: string) {
  const user = state.document.users.get(job.userId);
  const project = state.document.projects.get(job.projectId);
  const status = jobStatus(job, now);
  const end = job.finishedAt ?? (status === 'failed' ? job.expiresAt : null);
  return {
    id: job.number,
    name: null,
    stage: null,
    status,
    ...(status === 'failed' ? { failure_reason: 'job_execution_timeout' } : {}),
    ref: null,
    tag: false,
    allow_failure: false,
    created_at: job.startedAt,
    started_at: job.startedAt,
    finished_at: end,
    duration: ((end === null ? now.getTime() : Date.parse(end)) - Date.parse(job.startedAt)) / 1000,
    queued_duration: 0,
    expires_at: job.expiresAt,
    user: user ? presentUserBasic(user, urls) : null,
    pipeline: null,
    project: project ? { id: project.number, path_with_namespace: project.path, ci_job_token_scope_enabled: false } : null,
    ...(secret !== undefined ? { token: secret } : {}),
  };
}
