/**
 * Runs one project's cleanup policy: for each repository of the project, plan with
 * {@link planCleanup} (so `keep_n` and `older_than` count per repository, as GitLab applies a
 * policy to each image repository separately) and delete the planned tags, oldest first.
 *
 * Each run has a time budget, like GitLab.com's: when it runs out the run stops, records a
 * cursor (the repository it was in and the tags it had not reached) and reports `unfinished`;
 * the next run — the scheduler's next tick — skips the repositories already done and plans
 * the cursor's repository afresh, so tags deleted meanwhile or pushed since are accounted for.
 * A run always makes progress before it checks the budget — it finishes a repository or
 * deletes at least one tag there — so even a tiny budget gets through in the end.
 *
 * A real run holds the policy's lease (see lease.ts) and records itself in the policy's state:
 * what it deleted, what failed and when the policy runs next (one cadence after the run began,
 * or the next tick when unfinished; a resumed run keeps the schedule of the run it continues).
 * A dry run plans only: it deletes nothing, takes no lease, records nothing, ignores the cursor.
 * @module
 */
import { ulid } from 'ulid';
import { emit } from '../../events/emit.js';
import { isRegistryError } from '../../errors/registry-error.js';
import { cadenceMs } from './durations.js';
import { CleanupPolicyError } from './errors.js';
import { acquireLease } from './lease.js';
import { planCleanup } from './plan.js';
import { parseCleanupPolicy, rulesOf, type StoredCleanupPolicy } from './policy.js';
import { MAX_RECORDED_TAGS, scheduleOf, type CleanupCursor, type CleanupRunRecord } from './store.js';
import type { CleanupTarget } from './target.js';
import { pathFor } from '../../storage/paths.js';

import {
  DEFAULT_CLEANUP_BUDGET_MS,
  MAX_RUN_RECORDS,
  type CleanupEvent,
  type CleanupRunnerOptions,
  type CleanupRunOptions,
  type CleanupRunResult,
  type RepositoryPlan,
} from './run-options.js';

/** Error messages an event carries at most. */
const EVENT_ERRORS = 10;

export class CleanupRunner {
  readonly #now: () => Date;
  readonly #owner: string;

  constructor(readonly options: CleanupRunnerOptions) {
    this.#now = options.now ?? (() => new Date());
    this.#owner = options.owner ?? `wharf-${crypto.randomUUID()}`;
  }

  /**
   * Run a project's policy now (due or not, enabled or not: the scheduler decides what is due).
   * @throws CleanupPolicyError naming `project` when it has no policy (and no `policy` is given
   *   for a dry run), or naming the field of an invalid `policy`.
   * @example
   * const preview = await runner.run('team/app', { dryRun: true });
   * preview.plans.flatMap((p) => p.delete.map((tag) => `${p.repository}:${tag}`));
   */
  async run(project: string, options: CleanupRunOptions = {}): Promise<CleanupRunResult> {
    const dryRun = options.dryRun ?? false;
    if (options.policy !== undefined && !dryRun)
      throw new CleanupPolicyError([{ field: 'policy', message: 'an unsaved policy can only be dry-run' }]);
    const stored = await this.options.store.get(project);
    const policy = options.policy === undefined ? stored : this.#draft(project, stored, options.policy);
    if (!policy) throw new CleanupPolicyError([{ field: 'project', message: `${project} has no cleanup policy` }]);
    const budgetMs = options.budgetMs ?? this.options.budgetMs ?? DEFAULT_CLEANUP_BUDGET_MS;
    const id = ulid();
    const startedAt = this.#now();

    if (dryRun) {
      const pass = await this.#pass(policy, null, startedAt, budgetMs, true);
      return this.#emit(
        result({ id, project, dryRun, resumed: false, startedAt, finishedAt: this.#now(), nextRunAt: null, ...pass }),
        options.principal,
      );
    }

    const lease = await acquireLease(this.options.store.storage, pathFor({ kind: 'cleanupLease', project }), {
      owner: this.#owner,
      ttlMs: budgetMs + 60_000,
      now: this.#now,
      ...(this.options.leaseSettleMs !== undefined ? { settleMs: this.options.leaseSettleMs } : {}),
    });
    const idle = (status: 'locked' | 'skipped', nextRunAt: Date | null): CleanupRunResult =>
      result({
        id,
        project,
        dryRun,
        status,
        resumed: false,
        startedAt,
        finishedAt: startedAt,
        nextRunAt,
        plans: [],
        deleted: [],
        failed: [],
        cursor: null,
      });
    if (!lease) return idle('locked', null);
    let done: CleanupRunResult;
    try {
      // read again under the lease: another process may have run or edited it meanwhile
      const current = await this.options.store.get(project);
      if (!current) return idle('skipped', null); // deleted meanwhile
      const state = await this.options.store.state(project);
      const schedule = scheduleOf(current, state);
      if (options.ifDue && (!current.enabled || (!schedule.cursor && schedule.nextRunAt.getTime() > startedAt.getTime()))) {
        return idle('skipped', current.enabled ? schedule.nextRunAt : null);
      }
      const resumed = schedule.cursor !== null;
      const pass = await this.#pass(current, schedule.cursor, startedAt, budgetMs, false);
      const scheduled = resumed ? schedule.nextRunAt : new Date(startedAt.getTime() + cadenceMs(current.cadence));
      const finishedAt = this.#now();
      const nextRunAt = pass.status === 'unfinished' ? finishedAt : scheduled;
      done = result({ id, project, dryRun, resumed, startedAt, finishedAt, nextRunAt, ...pass });
      const { plans: _plans, cursor: _cursor, project: _project, dryRun: _dry, ...recorded } = done;
      const record: CleanupRunRecord = {
        ...recorded,
        status: pass.status,
        nextRunAt: nextRunAt.toISOString(),
        deleted: pass.deleted.slice(0, MAX_RECORDED_TAGS),
        deletedCount: pass.deleted.length,
        failed: pass.failed.slice(0, MAX_RECORDED_TAGS),
        failedCount: pass.failed.length,
      };
      await this.options.store.writeState(project, {
        policySavedAt: current.savedAt,
        nextRunAt: scheduled.toISOString(),
        cursor: pass.cursor,
        runs: [record, ...(state?.runs ?? [])].slice(0, MAX_RUN_RECORDS),
      });
    } finally {
      await lease.release();
    }
    return this.#emit(done, options.principal);
  }

  #draft(project: string, stored: StoredCleanupPolicy | null, input: unknown): StoredCleanupPolicy {
    return { project, savedAt: stored?.savedAt ?? this.#now().toISOString(), ...parseCleanupPolicy(input, stored ?? undefined) };
  }

  /** Plan (and unless dry, delete) repository by repository until done or out of budget. */
  async #pass(policy: StoredCleanupPolicy, cursor: CleanupCursor | null, startedAt: Date, budgetMs: number, dryRun: boolean) {
    const rules = rulesOf(policy);
    const deadline = startedAt.getTime() + budgetMs;
    const plans: RepositoryPlan[] = [];
    const deleted: { repository: string; tag: string }[] = [];
    const failed: { repository: string; tag: string | null; error: string }[] = [];
    let work = 0;
    const outOfTime = () => work > 0 && this.#now().getTime() >= deadline;

    let repositories: string[];
    try {
      repositories = await this.options.target.listRepositories(policy.project);
    } catch (error) {
      return { status: 'failed' as const, plans, deleted, failed, cursor, error: describe(error) };
    }
    if (cursor) repositories = repositories.filter((r) => r >= cursor.repository);

    for (const repository of repositories) {
      if (outOfTime()) return { status: 'unfinished' as const, plans, deleted, failed, cursor: { repository, remaining: [] } };
      let tags: Awaited<ReturnType<CleanupTarget['listTags']>>;
      try {
        tags = await this.options.target.listTags(repository);
      } catch (error) {
        // a repository deleted since the listing is simply done
        if (!(isRegistryError(error) && error.code === 'NAME_UNKNOWN')) failed.push({ repository, tag: null, error: describe(error) });
        continue;
      } finally {
        work++;
      }
      const plan = planCleanup(tags, rules, startedAt);
      const toDelete = plan.delete.map((t) => t.name);
      plans.push({ repository, delete: toDelete, kept: plan.kept.map((k) => ({ tag: k.tag.name, reason: k.reason })) });
      if (dryRun) continue;
      for (const [i, tag] of toDelete.entries()) {
        // one delete per repository before checking: a resumed run plans the repository again,
        // so stopping right after the listing would never get anywhere with a tiny budget
        if (i > 0 && outOfTime()) {
          return { status: 'unfinished' as const, plans, deleted, failed, cursor: { repository, remaining: toDelete.slice(i) } };
        }
        try {
          if (await this.options.target.deleteTag(repository, tag)) deleted.push({ repository, tag });
        } catch (error) {
          failed.push({ repository, tag, error: describe(error) });
        } finally {
          work++;
        }
      }
    }
    return { status: 'finished' as const, plans, deleted, failed, cursor: null };
  }

  async #emit(result: CleanupRunResult, principal: unknown): Promise<CleanupRunResult> {
    if (result.status === 'locked' || result.status === 'skipped') return result;
    const wouldDelete = result.plans.reduce((n, p) => n + p.delete.length, 0);
    const errors = [
      ...(result.error !== undefined ? [result.error] : []),
      ...result.failed.map((f) => `${f.repository}${f.tag ? `:${f.tag}` : ''}: ${f.error}`),
    ];
    const event: CleanupEvent = {
      kind: 'cleanup',
      project: result.project,
      runId: result.id,
      startedAt: new Date(result.startedAt),
      timestamp: new Date(result.finishedAt),
      dryRun: result.dryRun,
      status: result.status,
      deleted: { tags: result.dryRun ? wouldDelete : result.deleted.length },
      failed: result.failed.length,
      errors: errors.slice(0, EVENT_ERRORS),
      ...(principal !== undefined ? { principal } : {}),
      resumed: result.resumed,
      nextRunAt: result.nextRunAt === null ? null : new Date(result.nextRunAt),
    };
    try {
      await this.options.onCleanup?.(event);
    } catch (error) {
      this.options.onError?.(error);
    }
    if (this.options.hooks) await emit(this.options.hooks, 'onCleanupRun', event);
    return result;
  }
}

function result(run: {
  id: string;
  project: string;
  dryRun: boolean;
  resumed: boolean;
  startedAt: Date;
  finishedAt: Date;
  nextRunAt: Date | null;
  status: CleanupRunResult['status'];
  plans: RepositoryPlan[];
  deleted: { repository: string; tag: string }[];
  failed: { repository: string; tag: string | null; error: string }[];
  cursor: CleanupCursor | null;
  error?: string;
}): CleanupRunResult {
  return {
    ...run,
    cursor: run.dryRun ? null : run.cursor,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    nextRunAt: run.nextRunAt?.toISOString() ?? null,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
