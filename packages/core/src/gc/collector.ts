/**
 * `collectGarbage`: one online garbage collection over a storage, safe while registries keep
 * serving it (the protocol is in protocol.ts). The phases:
 *
 * 1. lock — take the collection lock (lock.ts); write this run's marker; its modTime is the
 *    start, and `start − grace` the cutoff;
 * 2. settle — wait for every registry process to notice the marker, confirm the lock, wait
 *    for running renames (movers.ts);
 * 3. recover — empty what crashed runs left in the trash;
 * 4. mark — every repository (mark.ts);
 * 5. sweep — each repository's plan, then the blobs (sweep.ts), through the trash;
 * 6. finish — remove the markers, release the lock.
 *
 * A dry run marks and counts the same way but takes no lock, writes no marker, waits for
 * nothing and changes nothing.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { emit } from '../events/emit.js';
import type { GcRunEvent, RegistryHooks } from '../hooks.js';
import type { StorageDriver } from '../storage/driver.js';
import { guard } from '../storage/guard.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';
import { utf8 } from '../streams.js';
import { GcLock, GcLockedError } from './lock.js';
import { markRepository, ReferenceCache, type RepositoryPlan } from './mark.js';
import { waitForMovers } from './movers.js';
import { DEFAULT_GRACE_MS, DEFAULT_RECHECK_DELAY_MS, DEFAULT_SETTLE_MS, LOCK_TTL_MS, UPLOAD_MAX_AGE_MS } from './protocol.js';
import { emptyTally, formatBytes, type GcPhase, type GcProgress, type GcReport } from './report.js';
import { sweepBlobs, sweepRepository, type SweepContext } from './sweep.js';
import { recoverTrash, Trash } from './trash.js';
import { listAllRepositories, mapLimit } from './walk.js';

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  /** Count what would be deleted, delete nothing (default false). */
  readonly dryRun?: boolean;
  /** Delete manifests no tag reaches, and then what only they used (default false). */
  readonly deleteUntagged?: boolean;
  /**
   * Content younger than this is never deleted, referenced or not (default 1 h). It covers a
   * push in progress: blobs uploaded, manifest not yet put.
   */
  readonly graceMs?: number;
  /**
   * How long to wait after announcing the run before marking (default 3 s). Registries must
   * have noticed the run by then (they look once a second). Only tests with no concurrent
   * writers may lower it below 2 s.
   */
  readonly settleMs?: number;
  /** How long trashed files wait for their second look (default 500 ms; tests: 0). */
  readonly recheckDelayMs?: number;
  /** Upload sessions started longer ago are purged (default 7 days). */
  readonly uploadMaxAgeMs?: number;
  /** The lock's time to live; renewed every third of it (default 60 s). */
  readonly lockTtlMs?: number;
  /** How long to wait for running renames before giving up (default 10 min). */
  readonly moverTimeoutMs?: number;
  /** Storage operations at once (default 8). */
  readonly concurrency?: number;
  /** Files trashed and rechecked together (default 256). */
  readonly batchSize?: number;
  /** Receives one line per step, for logs. */
  readonly onProgress?: (progress: GcProgress) => void;
  /** Stop the run: it cleans up (marker, lock) and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Wall clock (default `Date.now`), for the lock and upload ages. */
  readonly now?: () => number;
  /**
   * The registry's hooks: `onGcRun` hears of every run that ends (dry runs and failures
   * included; not a run refused because another holds the lock).
   */
  readonly hooks?: RegistryHooks;
}

/** The run stopped before it finished (nothing is left half-deleted). */
export class GcAbortedError extends Error {
  override readonly name = 'GcAbortedError';
}

/**
 * Run one garbage collection.
 * @param storage the registry's storage (the same driver instance or another one over the
 *   same place; the registry keeps serving meanwhile).
 * @returns what was deleted (or would be, in a dry run), kept and put back, per phase.
 * @throws GcLockedError when another collection is running (nothing was done).
 * @throws GcLockLostError when another collection took the lock over during the run.
 * @throws GcAbortedError when running renames did not finish in time.
 * @example
 * const report = await collectGarbage(storage, { deleteUntagged: true, graceMs: 60 * 60_000 });
 * console.log(summarizeReport(report));
 */
export async function collectGarbage(storage: StorageDriver, options: GcOptions = {}): Promise<GcReport> {
  const now = options.now ?? Date.now;
  const run = { id: `${now()}-${randomBytes(4).toString('hex')}`, startMs: now() };
  const hooks = options.hooks;
  try {
    const report = await collect(guard(storage), options, run);
    if (hooks) await emit(hooks, 'onGcRun', runEvent(report));
    return report;
  } catch (error) {
    if (hooks && !(error instanceof GcLockedError)) {
      const message = error instanceof Error ? error.message : String(error);
      await emit(hooks, 'onGcRun', {
        runId: run.id,
        startedAt: new Date(run.startMs),
        timestamp: new Date(now()),
        dryRun: options.dryRun ?? false,
        status: 'failed',
        deleted: {},
        failed: 0,
        errors: [message],
      });
    }
    throw error;
  }
}

/** What `onGcRun` hears of a finished run. */
function runEvent(report: GcReport): GcRunEvent {
  return {
    runId: report.run,
    startedAt: new Date(report.startedAt),
    timestamp: new Date(report.finishedAt),
    dryRun: report.dryRun,
    status: 'finished',
    deleted: { manifests: report.deleted.manifests.count, blobs: report.deleted.blobs.count, bytes: report.deleted.blobs.bytes },
    failed: 0,
    errors: report.warnings.slice(0, 5),
  };
}

async function collect(driver: StorageDriver, options: GcOptions, runInfo: { id: string; startMs: number }): Promise<GcReport> {
  const now = options.now ?? Date.now;
  const dryRun = options.dryRun ?? false;
  const deleteUntagged = options.deleteUntagged ?? false;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const concurrency = options.concurrency ?? 8;
  const run = runInfo.id;
  const tally = emptyTally();
  const phases: Partial<Record<GcPhase, number>> = {};
  let phase: GcPhase = 'lock';
  let phaseStart = performance.now();
  const enter = (next: GcPhase, message: string) => {
    phases[phase] = (phases[phase] ?? 0) + Math.round(performance.now() - phaseStart);
    phase = next;
    phaseStart = performance.now();
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase, message });
  };
  const began = performance.now();
  options.onProgress?.({ phase, message: dryRun ? `dry run ${run}: nothing will be deleted` : `run ${run}: taking the lock` });

  const lock = dryRun ? null : new GcLock(driver, run, { ttlMs: options.lockTtlMs ?? LOCK_TTL_MS, owner: `${hostname()}:${process.pid}`, now });
  const marker = pathFor({ kind: 'gcRunning', run });
  let startMs = now();
  if (lock) {
    await lock.acquire();
    lock.startRenewing();
  }
  try {
    if (lock) {
      await driver.putContent(marker, utf8(JSON.stringify({ run, startedAt: new Date(startMs).toISOString() })));
      startMs = (await driver.stat(marker)).modTime.getTime();
      runInfo.startMs = startMs;
      const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
      enter('settle', `waiting ${settleMs} ms for registries to notice the run`);
      await pause(settleMs, options.signal);
      await lock.confirm();
      const movers = await waitForMovers(driver, { timeoutMs: options.moverTimeoutMs ?? 10 * 60_000, now, ...(options.signal ? { signal: options.signal } : {}) });
      if (movers.length > 0) throw new GcAbortedError(`repository moves still running, try again later: ${movers.join('; ')}`);
    }
    const cutoffMs = startMs - graceMs;

    enter('recover', 'emptying the trash of crashed runs');
    const recovered = await recoverTrash(driver, run, { dryRun });
    tally.deleted.trash = recovered.deleted;
    tally.restored += recovered.restored;

    enter('mark', `marking from ${deleteUntagged ? 'tags' : 'tags and all manifests'}; cutoff ${new Date(cutoffMs).toISOString()}`);
    const marks = new Set<string>();
    const markContext = {
      driver,
      deleteUntagged,
      cutoffMs,
      uploadCutoffMs: now() - (options.uploadMaxAgeMs ?? UPLOAD_MAX_AGE_MS),
      concurrency,
      marks,
      references: new ReferenceCache(),
    };
    const names = await listAllRepositories(driver, concurrency);
    tally.repositories = names.length;
    let unsafe = false;
    const plans = (
      await mapLimit(names, Math.max(1, Math.ceil(concurrency / 2)), async (name, i) => {
        const plan = await markRepository(markContext, name);
        tally.marked.manifests += plan.kept;
        tally.recent.manifests += plan.recentManifests;
        tally.recent.layerLinks += plan.recentLinks;
        tally.warnings.push(...plan.warnings);
        unsafe ||= plan.unsafe;
        if ((i + 1) % 1000 === 0) options.onProgress?.({ phase, message: `${i + 1}/${names.length} repositories marked` });
        return plan;
      })
    ).filter(hasWork);
    tally.marked.blobs = marks.size;
    options.onProgress?.({ phase, message: `${names.length} repositories: ${tally.marked.manifests} manifests and ${marks.size} blobs kept` });

    const sweep: SweepContext = {
      driver,
      trash: lock
        ? new Trash(driver, run, {
            recheckDelayMs: options.recheckDelayMs ?? DEFAULT_RECHECK_DELAY_MS,
            concurrency: concurrency * 2,
            beforeBatch: async () => {
              options.signal?.throwIfAborted();
              await lock.confirm();
            },
          })
        : null,
      tally,
      concurrency,
      batchSize: options.batchSize ?? 256,
    };
    enter('sweep-repositories', `${plans.length} repositories have something to delete`);
    await mapLimit(plans, Math.max(1, Math.ceil(concurrency / 2)), (plan) => sweepRepository(sweep, plan));
    const d = tally.deleted;
    options.onProgress?.({
      phase,
      message: `${d.manifests.count} manifests, ${d.layerLinks.count} layer links, ${d.referrers.count} referrer entries, ${d.uploads.count} uploads (${formatBytes(d.uploads.bytes)})`,
    });

    if (unsafe) {
      enter('sweep-blobs', 'skipped: some manifests could not be read (see warnings)');
    } else {
      enter('sweep-blobs', 'deleting unreferenced blobs');
      const seen = await sweepBlobs(sweep, marks, cutoffMs);
      options.onProgress?.({ phase, message: `${seen} blobs: ${d.blobs.count} deleted (${formatBytes(d.blobs.bytes)}), ${tally.recent.blobs} recent` });
    }
    enter('finish', 'done');
  } finally {
    // Best effort: a marker left behind only makes registries touch until the next run.
    if (lock) await finish(driver, lock, marker).catch(() => {});
  }
  phases[phase] = (phases[phase] ?? 0) + Math.round(performance.now() - phaseStart);
  const durationMs = Math.round(performance.now() - began);
  return {
    run,
    dryRun,
    deleteUntagged,
    graceMs,
    startedAt: new Date(startMs).toISOString(),
    cutoff: new Date(startMs - graceMs).toISOString(),
    finishedAt: new Date(now()).toISOString(),
    durationMs,
    phases,
    ...tally,
  };
}

/** Wait, or reject with the signal's reason as soon as it fires. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}

/** Nothing to do in a repository whose plan is empty. */
function hasWork(plan: RepositoryPlan): boolean {
  return plan.revisions.length + plan.links.length + plan.orphanReferrers.length + plan.uploads.length > 0;
}

/**
 * Remove this run's marker and, while the lock is still ours, those crashed runs left; then
 * release the lock.
 */
async function finish(driver: StorageDriver, lock: GcLock, marker: string): Promise<void> {
  const ours = await lock.confirm().then(() => true, () => false);
  try {
    if (ours) {
      for (const other of await listOrEmpty(driver, pathFor({ kind: 'gcRunningDir' }))) {
        if (baseName(other) !== lock.run) await driver.delete(other).catch(notFoundAs(undefined));
      }
    }
    await driver.delete(marker).catch(notFoundAs(undefined));
    // The records registries left for this run served its rechecks (trash.ts). Registries may
    // still be adding some (they saw the marker a moment ago): whatever stays, or fails to go
    // now, the next run removes.
    await driver.delete(pathFor({ kind: 'gcTouchedRun', run: lock.run })).catch(() => {});
  } finally {
    await lock.release();
  }
}
