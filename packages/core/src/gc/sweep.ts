/**
 * The sweep: carry out the plans the mark made, then delete unmarked old blobs. Revisions,
 * layer links and blobs go through the trash (trash.ts); referrer entries follow their
 * revision; stale upload sessions are discarded like a client's cancel would. A dry run
 * counts the same things and changes nothing.
 * @module
 */
import { tryParseDigest } from '../digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { exists, listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';
import type { RepositoryPlan, ReferrerEntry } from './mark.js';
import { add, type GcAmount, type GcTally } from './report.js';
import type { Trash, TrashItem } from './trash.js';
import { mapLimit } from './walk.js';

export interface SweepContext {
  readonly driver: StorageDriver;
  /** `null` in a dry run. */
  readonly trash: Trash | null;
  readonly tally: GcTally;
  readonly concurrency: number;
  readonly batchSize: number;
}

/** Delete what the plan of one repository names. */
export async function sweepRepository(ctx: SweepContext, plan: RepositoryPlan): Promise<void> {
  const { tally } = ctx;
  const revisions = await disposeAll(ctx, plan.revisions, tally.deleted.manifests);
  const dropped = ctx.trash ? revisions.flatMap((r) => plan.referrersOf.get(r.path) ?? []) : [...plan.referrersOf.values()].flat();
  await mapLimit([...dropped, ...plan.orphanReferrers], ctx.concurrency, async (entry) => {
    if (!ctx.trash) return add(tally.deleted.referrers, 0);
    const bytes = await dropReferrer(ctx.driver, entry);
    if (bytes !== null) add(tally.deleted.referrers, bytes);
  });
  await disposeAll(ctx, plan.links, tally.deleted.layerLinks);
  await mapLimit(plan.uploads, ctx.concurrency, async (upload) => {
    if (!ctx.trash) return add(tally.deleted.uploads, 0);
    add(tally.deleted.uploads, await purgeUpload(ctx.driver, upload.statePath, upload.dataPath));
  });
}

/**
 * Delete every blob that is not marked and was last modified before the cutoff.
 * @returns the number of blobs looked at.
 */
export async function sweepBlobs(ctx: SweepContext, marks: ReadonlySet<string>, cutoffMs: number): Promise<number> {
  const candidates: TrashItem[] = [];
  let seen = 0;
  for (const algDir of await listOrEmpty(ctx.driver, pathFor({ kind: 'blobsRoot' }))) {
    const algorithm = baseName(algDir);
    await mapLimit(await listOrEmpty(ctx.driver, algDir), ctx.concurrency, async (prefixDir) => {
      for (const path of await listOrEmpty(ctx.driver, prefixDir)) {
        const digest = tryParseDigest(`${algorithm}:${baseName(path)}`);
        if (!digest) continue;
        seen++;
        if (marks.has(digest.value)) continue;
        const info = await ctx.driver.stat(path).catch(notFoundAs(null));
        if (!info) continue;
        if (info.modTime.getTime() >= cutoffMs) ctx.tally.recent.blobs++;
        else candidates.push({ path, modTime: info.modTime.getTime(), size: info.size });
      }
    });
  }
  await disposeAll(ctx, candidates, ctx.tally.deleted.blobs);
  return seen;
}

/** Trash `items` in batches (dry run: count them); returns those deleted. */
async function disposeAll<T extends TrashItem>(ctx: SweepContext, items: readonly T[], amount: GcAmount): Promise<T[]> {
  if (!ctx.trash) {
    for (const item of items) add(amount, item.size);
    return [...items];
  }
  const trash = ctx.trash;
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += ctx.batchSize) batches.push(items.slice(i, i + ctx.batchSize));
  const deleted: T[] = [];
  // A few batches at once, so that their recheck delays overlap.
  await mapLimit(batches, 4, async (batch) => {
    const outcome = await trash.dispose(batch);
    for (const item of outcome.deleted) add(amount, item.size);
    ctx.tally.restored += outcome.restored.length;
    deleted.push(...outcome.deleted);
  });
  return deleted;
}

/**
 * Delete a referrer entry, and put it back when its manifest is (again) present: a push of
 * the same manifest writes the revision and then the entry, and may have raced the delete.
 * @returns its bytes, or `null` when it stays (or was gone).
 */
async function dropReferrer(driver: StorageDriver, entry: ReferrerEntry): Promise<number | null> {
  const content = await driver.getContent(entry.path).catch(notFoundAs(null));
  if (!content) return null;
  await driver.delete(entry.path).catch(notFoundAs(null));
  if (await exists(driver, entry.revision)) {
    await driver.putContent(entry.path, content);
    return null;
  }
  return content.byteLength;
}

/** Discard an upload session's bytes and state; returns the bytes. */
async function purgeUpload(driver: StorageDriver, statePath: string, dataPath: string): Promise<number> {
  const writer = await driver.writer(dataPath, { append: true });
  const partial = writer.size;
  await writer.cancel();
  const committed = await driver.stat(dataPath).catch(notFoundAs(null));
  if (committed) await driver.delete(dataPath).catch(notFoundAs(null));
  await driver.delete(statePath).catch(notFoundAs(null));
  return partial + (committed?.size ?? 0);
}
