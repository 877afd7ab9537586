/**
 * The registry side of online garbage collection: whether a collection may be running, as
 * every serving process sees it, and the one operation it asks of them (touch what you reuse).
 * It lives beside the blob store because the stores' writes are what it guards; the collector
 * (gc/) reads the same markers. See gc/protocol.ts for why this is enough.
 * @module
 */
import { PathNotFoundError, type DriverCallOptions, type StorageDriver } from '../storage/driver.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';

/** How long a process reuses one read of the markers (gc/protocol.ts, step 2). */
export const MARKER_CACHE_MS = 1_000;
/** How long a reusing write may take and still rely on its observation (gc/protocol.ts, step 2). */
export const WRITE_BUDGET_MS = 2_000;

/** What a process knows about running collections at one moment. */
export interface GcObservation {
  /** A collection may be running: a write that reuses stored content must touch it first. */
  readonly active: boolean;
  /** When the storage read behind this answer began (the signal's clock, milliseconds). */
  readonly at: number;
  /** The runs whose markers were seen: a touch leaves a record for each (see {@link touchExisting}). */
  readonly runs: readonly string[];
}

export interface GcSignalOptions {
  /** How long one read of the markers is reused (default 1 s; must stay below `budgetMs`). */
  readonly cacheMs?: number;
  /** How long after its observation a write may finish and still rely on it (default 2 s). */
  readonly budgetMs?: number;
  /** A monotonic clock in milliseconds (default `performance.now`). */
  readonly clock?: () => number;
}

/**
 * Watches `_gc/running/` for collections. One per registry (per process); cheap: at most one
 * `stat` per `cacheMs`, shared by every request of the process.
 *
 * @example
 * const observation = await signal.observe();
 * if (observation.active) await touchExisting(driver, path); // else: nothing extra
 * // … write …
 * if (signal.outlived(observation)) await touchExisting(driver, path); // a slow write
 */
export class GcSignal {
  readonly #cacheMs: number;
  readonly #budgetMs: number;
  readonly #clock: () => number;
  #cached: GcObservation | undefined;
  #reading: Promise<GcObservation> | undefined;

  constructor(
    private readonly driver: StorageDriver,
    options: GcSignalOptions = {},
  ) {
    this.#cacheMs = options.cacheMs ?? MARKER_CACHE_MS;
    this.#budgetMs = options.budgetMs ?? WRITE_BUDGET_MS;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** Whether a collection may be running; from a read at most `cacheMs` old. */
  observe(): Promise<GcObservation> {
    const cached = this.#cached;
    if (cached && this.#clock() - cached.at < this.#cacheMs) return Promise.resolve(cached);
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /**
   * True when a write that began with `observation` has taken longer than the budget, so a
   * collection may have started marking without seeing it: the write must now touch what it
   * reused (and fail if that is gone).
   */
  outlived(observation: GcObservation): boolean {
    return this.#clock() - observation.at > this.#budgetMs;
  }

  /** Forget the cached answer (tests; a process that just started or ended a collection). */
  reset(): void {
    this.#cached = undefined;
  }

  async #read(): Promise<GcObservation> {
    // The time the read *began*: a marker written after it may be missed, so the write budget
    // is counted from here (see gc/protocol.ts, "settle").
    const at = this.#clock();
    let observation: GcObservation;
    try {
      const runs = (await listOrEmpty(this.driver, pathFor({ kind: 'gcRunningDir' }))).map(baseName);
      observation = { active: runs.length > 0, at, runs };
    } catch {
      // Anything but a clear answer keeps the safe one: touching costs little.
      observation = { active: true, at, runs: [] };
    }
    this.#cached = observation;
    return observation;
  }
}

const NOTHING = new Uint8Array(0);

/**
 * Touch a stored file that a write reuses. First it records the touch for each running
 * collection it knows of (`runs`, from the observation the write relies on): a collection
 * whose move of the file is not atomic (S3's copy, then delete) can lose a touch that lands in
 * the middle, and its recheck puts back whatever was recorded (trash.ts). When the file is not
 * there, a running collection may have just moved it into its trash (after this or another
 * process touched it, or while it still looked unused): then it is moved back and touched.
 * The collection's recheck finds it gone from the trash and leaves it alone; a file already
 * deleted is gone for good.
 * @returns false when the file is not stored (the write fails or falls back).
 */
export async function touchExisting(driver: StorageDriver, path: string, runs: readonly string[], options?: DriverCallOptions): Promise<boolean> {
  // Volatile is enough: a touch itself need not survive a power loss (driver.ts).
  await Promise.all(runs.map((run) => driver.putContent(pathFor({ kind: 'gcTouched', run, path }), NOTHING, { ...options, volatile: true })));
  if (await touch(driver, path, options)) return true;
  for (const run of await listOrEmpty(driver, pathFor({ kind: 'gcRunningDir' }))) {
    try {
      await driver.move(pathFor({ kind: 'gcTrash', run: baseName(run), path }), path, options);
    } catch (error) {
      if (error instanceof PathNotFoundError) continue;
      throw error;
    }
    if (await touch(driver, path, options)) return true;
  }
  // A collection's recheck may have put it back meanwhile (it saw the record).
  return touch(driver, path, options);
}

function touch(driver: StorageDriver, path: string, options?: DriverCallOptions): Promise<boolean> {
  return driver.touch(path, options).then(() => true, notFoundAs(false));
}

/** The answer used where no signal is wired (a store used outside a registry). */
export const NO_GC: GcObservation = { active: false, at: Number.POSITIVE_INFINITY, runs: [] };
