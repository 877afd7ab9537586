/**
 * Deleting with a second look. A file the sweep judged unreferenced and old is stat-ed once
 * more and, unchanged, moved into `_gc/trash/<run>/…` (`move` keeps the modTime), and stat-ed
 * there after a short delay: when its modTime changed, or a registry recorded a touch of it
 * for this run (`_gc/touched/<run>/`), a push reused it between the last look and the move,
 * and it goes back; otherwise it is deleted. The record covers a move that is not atomic (S3:
 * copy, then delete), which can carry the old modTime into the trash and delete the touched
 * source. A touch that comes after the move finds nothing: the writer takes the file back
 * from the trash itself (blobs/gc-signal.ts), or fails its push, which the client retries
 * (gc/protocol.ts, step 4). The delay lets a touch that had already found the file before the
 * move land. The look before the move keeps the window in which a reused file is briefly
 * missing (a pull would get 404) down to the time between that stat and the move.
 *
 * A crash leaves files in the trash. The next run handles them first ({@link recoverTrash}):
 * what was touched after that run started (or recorded as touched) goes back, the rest was
 * garbage and is deleted.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageDriver } from '../storage/driver.js';
import { exists, listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, LAYOUT_ROOT, pathFor, touchedName } from '../storage/paths.js';
import { add, type GcAmount } from './report.js';
import { listFilesBelow, mapLimit } from './walk.js';

/** A file to delete, as the sweep judged it. */
export interface TrashItem {
  /** Its layout path. */
  readonly path: string;
  /** The modTime it was judged by (ms). */
  readonly modTime: number;
  readonly size: number;
}

export interface TrashOutcome<T extends TrashItem> {
  readonly deleted: T[];
  /** Touched by a push during the recheck window: put back. */
  readonly restored: T[];
  /** Gone before the move (deleted by someone else). */
  readonly gone: T[];
}

export interface TrashOptions {
  readonly recheckDelayMs: number;
  readonly concurrency: number;
  /** Called before each batch is moved: throws to stop (the lock was lost, the run aborted). */
  readonly beforeBatch: () => Promise<void>;
}

/** Moves files of one run through its trash directory. */
export class Trash {
  constructor(
    private readonly driver: StorageDriver,
    readonly run: string,
    private readonly options: TrashOptions,
  ) {}

  /** Where a layout path goes in this run's trash. */
  pathOf(path: string): string {
    return pathFor({ kind: 'gcTrash', run: this.run, path });
  }

  /** Trash `items`, wait, recheck, and delete or put back each one. */
  async dispose<T extends TrashItem>(items: readonly T[]): Promise<TrashOutcome<T>> {
    const outcome: TrashOutcome<T> = { deleted: [], restored: [], gone: [] };
    if (items.length === 0) return outcome;
    await this.options.beforeBatch();
    const moved: T[] = [];
    await mapLimit(items, this.options.concurrency, async (item) => {
      // A look right before the move: what a push touched since the sweep judged it stays put,
      // and is never missing, even briefly, for pulls.
      const info = await this.driver.stat(item.path).catch(notFoundAs(null));
      if (!info) outcome.gone.push(item);
      else if (info.modTime.getTime() !== item.modTime) outcome.restored.push(item);
      else if (await this.#move(item.path, this.pathOf(item.path))) moved.push(item);
      else outcome.gone.push(item);
    });
    if (moved.length > 0 && this.options.recheckDelayMs > 0) await sleep(this.options.recheckDelayMs);
    // Read after every move of the batch completed: a touch that landed before a move's end
    // wrote its record before it began.
    const touched = moved.length > 0 ? await touchRecords(this.driver, this.run) : new Set<string>();
    await mapLimit(moved, this.options.concurrency, async (item) => {
      const trashed = this.pathOf(item.path);
      const info = await this.driver.stat(trashed).catch(notFoundAs(null));
      if (!info) {
        outcome.gone.push(item);
      } else if (info.modTime.getTime() !== item.modTime || touched.has(touchedName(item.path))) {
        await putBack(this.driver, trashed, item.path);
        outcome.restored.push(item);
      } else {
        await this.driver.delete(trashed).catch(notFoundAs(null));
        outcome.deleted.push(item);
      }
    });
    return outcome;
  }

  #move(from: string, to: string): Promise<boolean> {
    return this.driver.move(from, to).then(() => true, notFoundAs(false));
  }
}

/**
 * Handle what crashed runs left in the trash: files touched after their run started go back
 * (unless the original was stored again meanwhile), the rest is deleted.
 * @param currentRun this run's id; its own trash is not touched.
 * @param skewMs how far the run id's clock (the collector's) may be ahead of the storage's.
 */
export async function recoverTrash(
  driver: StorageDriver,
  currentRun: string,
  options: { dryRun: boolean; skewMs?: number },
): Promise<{ deleted: GcAmount; restored: number }> {
  const deleted: GcAmount = { count: 0, bytes: 0 };
  let restored = 0;
  for (const runDir of await listOrEmpty(driver, pathFor({ kind: 'gcTrashDir' }))) {
    const run = baseName(runDir);
    if (run === currentRun) continue;
    // Unparseable: put everything back, which is always safe.
    const started = Number.parseInt(run.split('-')[0] ?? '', 10);
    const since = Number.isFinite(started) ? started - (options.skewMs ?? 60_000) : Number.NEGATIVE_INFINITY;
    const touched = await touchRecords(driver, run);
    for (const trashed of await listFilesBelow(driver, runDir)) {
      const info = await driver.stat(trashed).catch(notFoundAs(null));
      if (!info) continue;
      const original = `${LAYOUT_ROOT}${trashed.slice(runDir.length)}`;
      if (info.modTime.getTime() >= since || touched.has(touchedName(original))) {
        restored++;
        if (!options.dryRun) await putBack(driver, trashed, original);
      } else {
        add(deleted, info.size);
        if (!options.dryRun) await driver.delete(trashed).catch(notFoundAs(null));
      }
    }
  }
  // Touch records of other runs: their trash is handled, and what registries still record
  // for a finished run (from an observation made before it ended) is of no use to anyone.
  if (!options.dryRun) {
    for (const dir of await listOrEmpty(driver, pathFor({ kind: 'gcTouchedDir' }))) {
      if (baseName(dir) !== currentRun) await driver.delete(dir).catch(notFoundAs(null));
    }
  }
  return { deleted, restored };
}

/** The names of the touch records registries left for `run`. */
async function touchRecords(driver: StorageDriver, run: string): Promise<Set<string>> {
  return new Set((await listOrEmpty(driver, pathFor({ kind: 'gcTouchedRun', run }))).map(baseName));
}

/** Put a trashed file back where it was, unless it was stored there again meanwhile. */
async function putBack(driver: StorageDriver, trashed: string, original: string): Promise<void> {
  if (await exists(driver, original)) await driver.delete(trashed).catch(notFoundAs(null));
  else await driver.move(trashed, original).catch(notFoundAs(null));
}
