/**
 * The options and results of a cleanup run (runner.ts), apart so that schedulers, routes and
 * hosts can import the types alone.
 * @module
 */
import type { CleanupRunEvent, RegistryHooks } from '../../hooks.js';
import type { KeptReason } from './plan.js';
import type { CleanupCursor, CleanupPolicyStore } from './store.js';
import type { CleanupTarget } from './target.js';

/** Five minutes, as GitLab.com limits a cleanup run. */
export const DEFAULT_CLEANUP_BUDGET_MS = 5 * 60_000;
/** Run records kept per policy. */
export const MAX_RUN_RECORDS = 20;

/**
 * Emitted after every run, dry runs included (not for `locked` or `skipped` ones): the
 * registry's `onCleanupRun` event, plus where the schedule stands. In a dry run `deleted.tags`
 * counts what would have been deleted.
 */
export interface CleanupEvent extends CleanupRunEvent {
  readonly kind: 'cleanup';
  /** Whether it continued an unfinished run. */
  readonly resumed: boolean;
  /** When the policy runs next; `null` for a dry run. */
  readonly nextRunAt: Date | null;
}

export interface CleanupRunnerOptions {
  readonly store: CleanupPolicyStore;
  readonly target: CleanupTarget;
  /** The clock, for schedules, `older_than` and the budget (default: the system clock). */
  readonly now?: () => Date;
  /** Time budget of a run in ms (default {@link DEFAULT_CLEANUP_BUDGET_MS}). */
  readonly budgetMs?: number;
  /** Names this process in lease files (default: a random id). */
  readonly owner?: string;
  /** Claim-and-verify wait of the lease in ms (default 25). */
  readonly leaseSettleMs?: number;
  /** Called after each run. A listener that throws is reported to `onError` and changes nothing. */
  readonly onCleanup?: (event: CleanupEvent) => void | Promise<void>;
  /** Errors that do not fail a run (a throwing listener). */
  readonly onError?: (error: unknown) => void;
  /** The registry's hooks: `onCleanupRun` gets each event too (what it throws goes to their `onError`). */
  readonly hooks?: RegistryHooks;
}

export interface CleanupRunOptions {
  /** Plan only: delete nothing, record nothing. */
  readonly dryRun?: boolean;
  /** This run's budget in ms (default: the runner's). */
  readonly budgetMs?: number;
  /** Who asked for this run, passed on in the event; absent for scheduled runs. */
  readonly principal?: unknown;
  /** Dry runs only: plan with these fields over the stored policy (or the defaults), unsaved. */
  readonly policy?: unknown;
  /**
   * Run only when due (enabled, and unfinished or its next run time has come), checked again
   * under the lease; otherwise answer `skipped`. The scheduler sets it, so two processes that
   * both saw a policy due do not run it one after the other.
   */
  readonly ifDue?: boolean;
}

/** One repository's plan: what it deletes and why the rest is kept. */
export interface RepositoryPlan {
  readonly repository: string;
  readonly delete: readonly string[];
  readonly kept: ReadonlyArray<{ readonly tag: string; readonly reason: KeptReason }>;
}

export interface CleanupRunResult {
  readonly id: string;
  readonly project: string;
  readonly dryRun: boolean;
  /**
   * `locked`: another process holds the policy's lease; `skipped`: not due (with `ifDue`), or
   * the policy was deleted meanwhile.
   * Neither did anything nor is recorded.
   */
  readonly status: 'finished' | 'unfinished' | 'failed' | 'locked' | 'skipped';
  readonly resumed: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The plan of each repository visited (a dry run's answer). */
  readonly plans: readonly RepositoryPlan[];
  /** Tags deleted (none in a dry run). */
  readonly deleted: ReadonlyArray<{ readonly repository: string; readonly tag: string }>;
  /** What could not be listed (`tag` null) or deleted. */
  readonly failed: ReadonlyArray<{ readonly repository: string; readonly tag: string | null; readonly error: string }>;
  /** Set when unfinished. */
  readonly cursor: CleanupCursor | null;
  /** When the policy runs next; `null` for dry and locked runs. */
  readonly nextRunAt: string | null;
  readonly error?: string;
}
