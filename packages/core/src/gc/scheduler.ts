/**
 * Garbage collection on a schedule: a host (or the standalone server, with
 * `WHARF_GC_INTERVAL`) runs one collection every interval. Several processes sharing one
 * storage may each schedule it: the collection lock lets one run at a time, and the others
 * skip their turn.
 * @module
 */
import type { StorageDriver } from '../storage/driver.js';
import { collectGarbage, type GcOptions } from './collector.js';
import { GcLockedError } from './lock.js';
import type { GcReport } from './report.js';

export interface GcScheduleOptions extends Omit<GcOptions, 'signal' | 'dryRun'> {
  /** Time between the end of one run and the start of the next (and before the first). */
  readonly intervalMs: number;
  /** Receives each finished run's report. */
  readonly onReport?: (report: GcReport) => void;
  /** Receives a run's failure (the schedule goes on). */
  readonly onError?: (error: unknown) => void;
  /** Called when a turn is skipped because another collection holds the lock. */
  readonly onSkip?: (error: GcLockedError) => void;
}

export interface GcSchedule {
  /** Run one collection now (unless one of this schedule is running); `null` when skipped. */
  runNow(): Promise<GcReport | null>;
  /** Stop: no further runs; a running one is aborted (it cleans up) and awaited. */
  stop(): Promise<void>;
}

/**
 * Collect garbage every `intervalMs`. The timer does not keep the process alive.
 * @example
 * const schedule = scheduleGarbageCollection(storage, { intervalMs: 24 * 3_600_000, onReport: (r) => log(summarizeReport(r)) });
 * // on shutdown:
 * await schedule.stop();
 */
export function scheduleGarbageCollection(storage: StorageDriver, options: GcScheduleOptions): GcSchedule {
  if (!(options.intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  const { intervalMs, onReport, onError, onSkip, ...gcOptions } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let current: { promise: Promise<GcReport | null>; abort: AbortController } | undefined;

  const runOnce = (): Promise<GcReport | null> => {
    if (current) return current.promise;
    const abort = new AbortController();
    const promise = collectGarbage(storage, { ...gcOptions, signal: abort.signal })
      .then(
        (report) => {
          onReport?.(report);
          return report;
        },
        (error: unknown) => {
          if (error instanceof GcLockedError) onSkip?.(error);
          else if (!abort.signal.aborted) onError?.(error);
          return null;
        },
      )
      .finally(() => {
        current = undefined;
        arm();
      });
    current = { promise, abort };
    return promise;
  };

  const arm = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void runOnce();
    }, intervalMs);
    timer.unref?.();
  };

  arm();
  return {
    runNow: () => (stopped ? Promise.resolve(null) : runOnce()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (current) {
        current.abort.abort(new Error('garbage collection schedule stopped'));
        await current.promise;
      }
    },
  };
}
