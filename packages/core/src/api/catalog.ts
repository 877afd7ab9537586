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
  const walk = async (dir: string): Promise<void> => {
    let children: string[];
    try {
      children = await driver.list(dir);
    } catch (error) {
      if (error instanceof PathNotFoundError) return;
      throw error;
    }
    const names = children.map(baseName);
    if (dir !== REPOSITORIES_ROOT && names.includes('_manifests')) found.push(dir.slice(REPOSITORIES_ROOT.length + 1));
    await Promise.all(children.filter((c) => !baseName(c).startsWith('_')).map(walk));
  };
  await walk(under === undefined ? pathFor({ kind: 'repositoriesRoot' }) : pathFor({ kind: 'repository', name: under }));
  return found.sort(lexical);
}

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
