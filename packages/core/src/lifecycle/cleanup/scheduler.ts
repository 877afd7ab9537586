/**
 * Runs cleanup policies when they are due.
 *
 * Each tick reads every stored policy and runs, one after another, the enabled ones that are
 * due: those with an unfinished run first (they resume where the time budget stopped them),
 * then those whose next run time has come (one cadence after their last run began, or after
 * they were saved), earliest first. Several processes may run schedulers over the same
 * storage: the runner's per-policy lease keeps them from running one policy twice at once.
 * Ticks never overlap (a second call shares the tick in progress); `stop()` lets the run in
 * progress finish and skips the rest of the tick.
 * @module
 */
import type { RegistryHooks } from '../../hooks.js';
import { CleanupRunner } from './runner.js';
import type { CleanupEvent, CleanupRunResult } from './run-options.js';
import { scheduleOf, type CleanupPolicyStore } from './store.js';
import type { CleanupTarget } from './target.js';

export interface CleanupSchedulerOptions {
  /** Where the policies are. */
  readonly policies: CleanupPolicyStore;
  /** What they run against, e.g. {@link registryCleanupTarget}. */
  readonly target: CleanupTarget;
  /** Time between ticks in ms (default 60 000). */
  readonly intervalMs?: number;
  /** Time budget of each run in ms (default 5 minutes). */
  readonly budgetMs?: number;
  /** The clock (default: the system clock). */
  readonly now?: () => Date;
  /** Names this process in lease files. */
  readonly owner?: string;
  /** Claim-and-verify wait of the lease in ms (default 25). */
  readonly leaseSettleMs?: number;
  /** Called after each run. */
  readonly onCleanup?: (event: CleanupEvent) => void | Promise<void>;
  /** A tick or run that failed; the scheduler carries on. */
  readonly onError?: (error: unknown) => void;
  /** The registry's hooks: `onCleanupRun` gets each run's event. */
  readonly hooks?: RegistryHooks;
}

/** A policy that is due, and why. */
export interface DueCleanup {
  readonly project: string;
  /** `resume`: an unfinished run continues; `scheduled`: its next run time has come. */
  readonly reason: 'resume' | 'scheduled';
  readonly nextRunAt: string;
}

export class CleanupScheduler {
  readonly runner: CleanupRunner;
  readonly #now: () => Date;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<CleanupRunResult[]> | null = null;
  #started = false;
  #halt = false;

  /**
   * @example
   * const scheduler = new CleanupScheduler({ policies: new CleanupPolicyStore(api.options.storage), target: registryCleanupTarget(api) });
   * scheduler.start();
   * // on shutdown:
   * await scheduler.stop();
   */
  constructor(readonly options: CleanupSchedulerOptions) {
    this.#now = options.now ?? (() => new Date());
    this.runner = new CleanupRunner({
      store: options.policies,
      target: options.target,
      now: this.#now,
      ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      ...(options.owner !== undefined ? { owner: options.owner } : {}),
      ...(options.leaseSettleMs !== undefined ? { leaseSettleMs: options.leaseSettleMs } : {}),
      ...(options.onCleanup ? { onCleanup: options.onCleanup } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
  }

  /** The enabled policies due now, in the order a tick runs them. */
  async due(): Promise<DueCleanup[]> {
    const now = this.#now().getTime();
    const due: DueCleanup[] = [];
    for (const policy of await this.options.policies.list()) {
      if (!policy.enabled) continue;
      const { nextRunAt, cursor } = scheduleOf(policy, await this.options.policies.state(policy.project));
      if (cursor) due.push({ project: policy.project, reason: 'resume', nextRunAt: nextRunAt.toISOString() });
      else if (nextRunAt.getTime() <= now) due.push({ project: policy.project, reason: 'scheduled', nextRunAt: nextRunAt.toISOString() });
    }
    const rank = (d: DueCleanup) => (d.reason === 'resume' ? 0 : 1);
    return due.sort((a, b) => rank(a) - rank(b) || a.nextRunAt.localeCompare(b.nextRunAt) || (a.project < b.project ? -1 : 1));
  }

  /**
   * Run every due policy once. Concurrent calls share the tick in progress.
   * @returns one result per policy that was due: runs, and `locked` or `skipped` ones another
   *   process was running or had just run.
   */
  tick(): Promise<CleanupRunResult[]> {
    if (!this.#running) this.#halt = false;
    this.#running ??= this.#tick().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Tick now and then every `intervalMs` until {@link stop}. The timer does not keep the process alive. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stop ticking; a tick in progress ends after its current run, and this resolves then. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#halt = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.tick()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.#started) this.#schedule(this.options.intervalMs ?? 60_000);
        });
    }, delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #tick(): Promise<CleanupRunResult[]> {
    const results: CleanupRunResult[] = [];
    for (const { project } of await this.due()) {
      if (this.#halt) break;
      try {
        results.push(await this.runner.run(project, { ifDue: true }));
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    return results;
  }
}
