/**
 * Walking the storage layout for garbage collection. The layout's depths are known (paths.ts),
 * so a walk lists exactly the levels it expects and never stats to tell files from
 * directories; entries whose names do not parse are left alone (never deleted).
 * @module
 */
import { tryParseDigest, type Digest } from '../digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, REPOSITORIES_ROOT } from '../storage/paths.js';

/** The `_`-directories that make a directory a repository. */
const REPOSITORY_PARTS = new Set(['_manifests', '_layers', '_referrers', '_uploads']);

/**
 * Every repository, sorted: a directory holding manifests, links, referrers or upload sessions.
 * Unlike the catalog (manifests only), this finds a repository whose first push is under way.
 */
export async function listAllRepositories(driver: StorageDriver, concurrency = 16): Promise<string[]> {
  const found: string[] = [];
  let pending = [REPOSITORIES_ROOT];
  while (pending.length > 0) {
    const next: string[] = [];
    await mapLimit(pending, concurrency, async (dir) => {
      const children = await listOrEmpty(driver, dir);
      if (dir !== REPOSITORIES_ROOT && children.some((c) => REPOSITORY_PARTS.has(baseName(c)))) {
        found.push(dir.slice(REPOSITORIES_ROOT.length + 1));
      }
      for (const child of children) if (!baseName(child).startsWith('_')) next.push(child);
    });
    pending = next;
  }
  return found.sort();
}

/** A stored file named by a digest, found by a walk. */
export interface DigestFile {
  readonly path: string;
  readonly digest: Digest;
}

/**
 * Files of a `<alg>/<hex>` tree (revisions, layer links): `dir/<alg>/<hex>`.
 * @param prefixed the blob store's extra `<hex[0:2]>` level.
 */
export async function listDigestFiles(driver: StorageDriver, dir: string, prefixed = false): Promise<DigestFile[]> {
  const out: DigestFile[] = [];
  for (const algDir of await listOrEmpty(driver, dir)) {
    const algorithm = baseName(algDir);
    const leaves = prefixed ? (await mapLimit(await listOrEmpty(driver, algDir), 16, (d) => listOrEmpty(driver, d))).flat() : await listOrEmpty(driver, algDir);
    for (const path of leaves) {
      const digest = tryParseDigest(`${algorithm}:${baseName(path)}`);
      if (digest) out.push({ path, digest });
    }
  }
  return out;
}

/**
 * Run `fn` over `items`, at most `limit` at a time, keeping the order of results.
 * Rejects with the first error (after the running calls settle).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Every file below `dir`, at any depth (for the trash, whose depth varies). */
export async function listFilesBelow(driver: StorageDriver, dir: string): Promise<string[]> {
  const out: string[] = [];
  const children = await listOrEmpty(driver, dir);
  await mapLimit(children, 8, async (child) => {
    const info = await driver.stat(child).catch(notFoundAs(null));
    if (!info) return;
    if (info.isDir) out.push(...(await listFilesBelow(driver, child)));
    else out.push(child);
  });
  return out;
}
