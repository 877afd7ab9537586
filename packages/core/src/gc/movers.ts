/**
 * Operations that move a repository's files (a rename) and garbage collection exclude each
 * other. While files move from `a` to `b`, the mark could read `b` before they arrive and `a`
 * after they left, miss the repository's manifests, and sweep their blobs; touching cannot help,
 * since nothing is reused, only moved.
 *
 * The exclusion needs no lock, only two kinds of marker and the order of reads and writes
 * (Dekker's): a mover writes `_gc/movers/<id>` and *then* reads `_gc/running/`; a collector
 * writes `_gc/running/<run>` and, after its settle time, reads `_gc/movers/`. Whichever wrote
 * second sees the other: the mover refuses to start (503 UNAVAILABLE, try again later) or the
 * collector waits for the mover to finish before it marks. A mover renews its record while it
 * runs; one not renewed for {@link MOVER_STALE_MS} belongs to a crashed process and is ignored.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from '../errors/registry-error.js';
import type { StorageDriver } from '../storage/driver.js';
import { pathFor } from '../storage/paths.js';
import { fromUtf8, utf8 } from '../streams.js';
import { exists, listOrEmpty } from '../storage/not-found.js';

/** A mover record not renewed for this long is left over from a crash. */
export const MOVER_STALE_MS = 2 * 60 * 1_000;
/** How often a running mover renews its record. */
const MOVER_RENEW_MS = 30_000;

/** Whether a collection is running (a fresh read, not the cached signal). */
export function collectionRunning(driver: StorageDriver): Promise<boolean> {
  return exists(driver, pathFor({ kind: 'gcRunningDir' }));
}

/**
 * Run `task`, which moves repository files, excluded from garbage collection.
 * @param what names the operation in the error, e.g. `renaming team/app`.
 * @throws RegistryError UNAVAILABLE (retry after 60 s) when a collection is running.
 * @example await asMover(storage, 'renaming a to b', () => moveRepositoryFiles(storage, 'a', 'b'));
 */
export async function asMover<T>(driver: StorageDriver, what: string, task: () => Promise<T>): Promise<T> {
  const path = pathFor({ kind: 'gcMover', id: randomUUID() });
  const startedAt = new Date().toISOString();
  const record = () => utf8(JSON.stringify({ what, startedAt, renewedAt: new Date().toISOString() }));
  await driver.putContent(path, record());
  const renew = setInterval(() => {
    void driver.putContent(path, record()).catch(() => {});
  }, MOVER_RENEW_MS);
  renew.unref?.();
  try {
    if (await collectionRunning(driver)) {
      throw new RegistryError('UNAVAILABLE', `a garbage collection is running; try ${what} again when it has finished`, {
        retryAfterSeconds: 60,
      });
    }
    return await task();
  } finally {
    clearInterval(renew);
    await driver.delete(path).catch(() => {});
  }
}

/**
 * Wait until no mover is registered (collector side, after the settle time).
 * @param timeoutMs give up after this long.
 * @returns the movers still running at the timeout (empty when none is left).
 */
export async function waitForMovers(
  driver: StorageDriver,
  options: { timeoutMs: number; pollMs?: number; now?: () => number; signal?: AbortSignal },
): Promise<string[]> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const live: string[] = [];
    for (const path of await listOrEmpty(driver, pathFor({ kind: 'gcMoversDir' }))) {
      const record = await driver.getContent(path).then(
        (bytes) => {
          try {
            return JSON.parse(fromUtf8(bytes)) as { what?: string; startedAt?: string; renewedAt?: string };
          } catch {
            return {};
          }
        },
        () => null,
      );
      if (!record) continue; // finished meanwhile
      const renewedAt = Date.parse(record.renewedAt ?? record.startedAt ?? '');
      if (Number.isFinite(renewedAt) && now() - renewedAt > MOVER_STALE_MS) continue;
      live.push(record.what ?? path);
    }
    if (live.length === 0 || now() >= deadline) return live;
    options.signal?.throwIfAborted();
    await sleep(options.pollMs ?? 200);
  }
}
