/**
 * How many synchronous reads FsStorage may make before the event loop gets a turn.
 *
 * A synchronous `stat` or small read on a local disk costs microseconds, less than the hop to
 * libuv's thread pool and back, which is why FsStorage makes them (a manifest GET is mostly a
 * few such reads). But a caller that awaits thousands of them in a row (the reference check
 * of a huge manifest, a walk over many tags) never leaves the current turn of the event loop:
 * with sync reads every await resolves at once, and every other client waits until the whole
 * chain is done. So the sync path has a budget per turn: a number of calls and a time. Past
 * either, calls take the asynchronous path until the next turn, which lets pending I/O (other
 * requests) run in between. A sync call that was slow by itself (a network filesystem, a cold
 * disk) turns the sync path off for a while.
 *
 * One budget is shared by every FsStorage of the process, because they share the event loop.
 * @module
 */

/** Bounds of the synchronous path. */
export interface SyncBudgetLimits {
  readonly calls: number;
  readonly ms: number;
  readonly slowCallMs: number;
  readonly coolDownMs: number;
}

/** The defaults. */
export const SYNC_BUDGET: SyncBudgetLimits = {
  /** Synchronous calls per turn of the event loop. */
  calls: 32,
  /** Milliseconds per turn, counted from the turn's first synchronous call. */
  ms: 2,
  /** A single synchronous call slower than this... */
  slowCallMs: 20,
  /** ...sends every call down the asynchronous path for this long. */
  coolDownMs: 1_000,
};

type Immediate = (callback: () => void) => unknown;
const immediate: Immediate = (globalThis as { setImmediate?: Immediate }).setImmediate ?? ((callback) => setTimeout(callback, 0));

export class SyncBudget {
  #left = 0;
  #turnStart = 0;
  #resetPending = false;
  #coolUntil = 0;

  constructor(private readonly limits: SyncBudgetLimits = SYNC_BUDGET) {}

  /** Whether the next call may be synchronous; if so, it must be reported with {@link done}. */
  take(): boolean {
    const now = performance.now();
    if (now < this.#coolUntil) return false;
    if (!this.#resetPending) {
      // First synchronous call of this turn: a fresh budget, renewed once the loop moves on.
      this.#resetPending = true;
      this.#left = this.limits.calls;
      this.#turnStart = now;
      immediate(() => {
        this.#resetPending = false;
      });
    }
    if (this.#left <= 0 || now - this.#turnStart >= this.limits.ms) return false;
    this.#left--;
    return true;
  }

  /** Report how long a synchronous call took (from `performance.now()` before it). */
  done(startedAt: number): void {
    const now = performance.now();
    if (now - startedAt >= this.limits.slowCallMs) this.#coolUntil = now + this.limits.coolDownMs;
  }
}

/** The budget of this process's event loop. */
export const syncBudget = new SyncBudget();

/**
 * Run `sync` when `enabled` and the budget allow, else `async`.
 * @example const info = await syncOrAsync(syncReads, () => statSync(file), () => stat(file));
 */
export async function syncOrAsync<T>(enabled: boolean, sync: () => T, async: () => Promise<T>): Promise<T> {
  if (!enabled || !syncBudget.take()) return async();
  const startedAt = performance.now();
  try {
    return sync();
  } finally {
    syncBudget.done(startedAt);
  }
}
