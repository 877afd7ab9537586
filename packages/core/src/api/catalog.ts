/**
 * The repository catalog: every repository that has manifests, found by walking the
 * repositories tree, in lexical order.
 * @module
 */
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { baseName, pathFor, REPOSITORIES_ROOT } from '../storage/paths.js';
import { lexical } from '../manifests/manifest-store.js';

/**
 * List repository names (those holding `_manifests`), sorted.
 * @param under only this repository and those below it (a path prefix such as `team/app`).
 */
export async function listRepositories(driver: StorageDriver, under?: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [under === undefined ? pathFor({ kind: 'repositoriesRoot' }) : pathFor({ kind: 'repository', name: under })];
  // A queue with a few workers, not one promise per directory: a tree of 10 000 repositories
  // listed all at once runs out of file descriptors (EMFILE).
  let active = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const dir = pending.pop();
      if (dir === undefined) {
        if (active === 0) return;
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      active++;
      try {
        let children: string[];
        try {
          children = await driver.list(dir);
        } catch (error) {
          if (error instanceof PathNotFoundError) continue;
          throw error;
        }
        if (dir !== REPOSITORIES_ROOT && children.some((c) => baseName(c) === '_manifests')) found.push(dir.slice(REPOSITORIES_ROOT.length + 1));
        for (const child of children) if (!baseName(child).startsWith('_')) pending.push(child);
      } finally {
        active--;
      }
    }
  };
  await Promise.all(Array.from({ length: WALK_CONCURRENCY }, worker));
  return found.sort(lexical);
}

/** Directories listed at once while walking the repositories tree. */
const WALK_CONCURRENCY = 16;

/** One page of a sorted list: up to `n` entries after `last`, and whether more follow. */
export function page(sorted: readonly string[], n: number | undefined, last: string | undefined): { items: string[]; more: boolean } {
  let start = 0;
  if (last !== undefined) {
    start = sorted.findIndex((x) => x > last);
    if (start < 0) start = sorted.length;
  }
  if (n === undefined) return { items: sorted.slice(start), more: false };
  const items = sorted.slice(start, start + n);
  return { items, more: n > 0 && start + n < sorted.length };
}
