/**
 * CI jobs. A job's token is good while the job runs and until its deadline (default 24 h
 * after the start, like a job timeout), whichever ends first. Finished and timed-out jobs are
 * pruned a week after they ended so the document does not grow with every pipeline.
 * @module
 */
import { AccessError, quoteRef } from './access-error.js';
import { newId, requireProject, requireUser } from './lookup.js';
import { nextNumber } from './numbering.js';
import type { AccessDocument, JobRecord } from './schema.js';

/** Default longest life of a job token. */
export const DEFAULT_JOB_MAX_DURATION_MS = 24 * 60 * 60 * 1000;
/** Longest life a job may ask for: a year (GitLab's longest job timeout is a month). */
export const MAX_JOB_DURATION_MS = 366 * 24 * 60 * 60 * 1000;
const PRUNE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** A job to start. */
export interface NewJob {
  /** Id or path of the project the job runs for. */
  readonly project: string;
  /** Id or username of the user the job runs as. */
  readonly user: string;
  /** Longest life of the token (default 24 h). */
  readonly maxDurationMs?: number;
}

/** Whether a job's token works at `now`. */
export function isJobActive(job: JobRecord, now: Date): boolean {
  return job.status === 'running' && Date.parse(job.expiresAt) > now.getTime();
}

/** @throws AccessError NOT_FOUND (project or user), CONFLICT (user blocked), INVALID (duration not in (0, {@link MAX_JOB_DURATION_MS}]) */
export function startJob(doc: AccessDocument, input: NewJob, tokenHash: string, now: Date): JobRecord {
  const project = requireProject(doc, input.project);
  const user = requireUser(doc, input.user);
  if (user.blocked) throw new AccessError('CONFLICT', `"${user.username}" is blocked and cannot run jobs`);
  const duration = input.maxDurationMs ?? DEFAULT_JOB_MAX_DURATION_MS;
  if (!Number.isFinite(duration) || duration <= 0 || duration > MAX_JOB_DURATION_MS) {
    throw new AccessError('INVALID', `a job needs a maximum duration between 1 ms and ${MAX_JOB_DURATION_MS / 86_400_000} days`);
  }
  pruneJobs(doc, now);
  const job: JobRecord = {
    id: newId(),
    number: nextNumber(doc, 'jobs'),
    projectId: project.id,
    userId: user.id,
    status: 'running',
    tokenHash,
    startedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + duration).toISOString(),
    finishedAt: null,
  };
  doc.jobs.set(job.id, job);
  return job;
}

/** Finish a job (idempotent); its token stops working. @throws AccessError NOT_FOUND */
export function finishJob(doc: AccessDocument, id: string, now: Date): JobRecord {
  const job = doc.jobs.get(id);
  if (!job) throw new AccessError('NOT_FOUND', `no job ${quoteRef(id)}`);
  if (job.status === 'finished') return job;
  const next: JobRecord = { ...job, status: 'finished', finishedAt: now.toISOString() };
  doc.jobs.set(id, next);
  return next;
}

function pruneJobs(doc: AccessDocument, now: Date): void {
  for (const job of [...doc.jobs.values()]) {
    const ended = Date.parse(job.finishedAt ?? job.expiresAt);
    if (!isJobActive(job, now) && now.getTime() - ended > PRUNE_AFTER_MS) doc.jobs.delete(job.id);
  }
}
