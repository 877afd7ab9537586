/**
 * A bounded queue for password hashing. Node's async `scrypt` runs on libuv's thread pool
 * (4 threads by default), the same pool that serves file reads; a flood of logins each hashing
 * 32 MiB would otherwise take every thread and make every pull wait behind it. So at most
 * {@link PasswordQueueOptions.concurrency} hashes run at once (default 2, leaving the rest of
 * the pool to files, and at least one CPU core to the event loop), at most {@link PasswordQueueOptions.maxWaiting} password checks wait for a
 * turn (default 16), and a check beyond that is refused at once with a
 * {@link PasswordQueueFullError} (the access hooks and the admin API answer 429 with
 * `Retry-After: 1`) instead of piling up. Hashing a new password (creating a user, changing a
 * password) waits its turn but is never refused: only authenticated callers do it.
 * @module
 */
import * as os from 'node:os';

export interface PasswordQueueOptions {
  /** Hashes computed at once (default 2; 1 on two cores or fewer, or when `UV_THREADPOOL_SIZE` is below 4). */
  readonly concurrency?: number;
  /** Password checks waiting for a turn before more are refused (default 16). */
  readonly maxWaiting?: number;
}

function defaultConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  // A namespace import: older runtimes (and Bun) may lack availableParallelism.
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // Half the thread pool at most, and never every core: scrypt is pure CPU.
  return Math.max(1, Math.min(2, Math.floor(pool / 2), cores - 1));
}

/** The default limits. */
export const PASSWORD_QUEUE_DEFAULTS = {
  concurrency: defaultConcurrency(),
  maxWaiting: 16,
} as const;

/**
 * A password check refused because the queue is full. No dependency on core here: the store
 * hashes passwords too and loads without it; the HTTP faces turn this into 429.
 */
export class PasswordQueueFullError extends Error {
  override readonly name = 'PasswordQueueFullError';
  /** When to try again, for `Retry-After`. */
  readonly retryAfterSeconds = 1;

  constructor() {
    super('too many logins at once; try again in a moment');
  }
}

/** How {@link PasswordQueue.run} treats a full queue. */
export interface RunOptions {
  /** Refuse when the queue is full (password checks); else wait however long (new hashes). */
  readonly bounded?: boolean;
  /**
   * Called once the task has a place in the queue, before it waits: the login throttle's gate.
   * When it throws, the task does not run and takes no place.
   */
  readonly admit?: () => void;
}

export class PasswordQueue {
  readonly concurrency: number;
  readonly maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: PasswordQueueOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? PASSWORD_QUEUE_DEFAULTS.concurrency));
    this.maxWaiting = Math.max(0, Math.floor(options.maxWaiting ?? PASSWORD_QUEUE_DEFAULTS.maxWaiting));
  }

  /** Hashes running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Run `task` when a turn is free.
   * @throws {PasswordQueueFullError} when `bounded` and the queue is full; what `admit` or `task` throws
   */
  async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const free = this.#running < this.concurrency;
    if (options.bounded && !free && this.#waiting.length >= this.maxWaiting) {
      throw new PasswordQueueFullError();
    }
    options.admit?.();
    if (free) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve)); // the finishing task hands its turn over
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}

/** The queue used when none is given: one per process, as libuv's pool is. */
export const sharedPasswordQueue = new PasswordQueue();
