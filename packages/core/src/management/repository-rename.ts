/**
 * Renaming (moving) a repository that has images, while the registry serves.
 *
 * Content is addressed by digest and shared through links, so a rename moves only the
 * repository's own small files — blob links, referrer entries, manifest revisions, tags, upload
 * sessions — never blob bytes. They move in dependency order: links and referrer entries
 * first, then revisions, then tags, so a client pulling by the new name never finds a tag whose
 * manifest or blobs have not arrived. The old name stops working as its files leave; an upload
 * in progress under the old name finds its session gone and starts again.
 *
 * Repositories nested below the old name (`team/app/api` under `team/app`) are separate
 * repositories and do not move. A rename stays inside its top-level namespace (GitLab's rule for
 * moving projects keeps group-level permissions meaningful).
 *
 * Schema 1 manifests carry the repository name inside their signed payload; re-signing would
 * change their digest, so they move as they are and keep naming the old repository inside.
 * @module
 */
import type { StorageDriver } from '../storage/driver.js';
import { pathFor, REPOSITORIES_ROOT } from '../storage/paths.js';
import { RegistryError } from '../errors/registry-error.js';
import { exists, notFoundAs } from '../storage/not-found.js';
import { listFilesBelow } from '../gc/walk.js';
import { assertValidName } from '../names.js';

/** Sub-directories of a repository, in the order they move (see the module doc). */
const ORDER = ['_layers', '_referrers', '_manifests/revisions', '_manifests/tags', '_uploads'] as const;

/** Moves at once per directory. */
const CONCURRENCY = 16;

/**
 * Check that `from` can become `to`.
 * @throws RegistryError NAME_INVALID for an invalid name, the same name, or another top-level namespace.
 */
export function checkRename(from: string, to: string): void {
  assertValidName(from);
  assertValidName(to);
  if (from === to) throw new RegistryError('NAME_INVALID', 'the new name is the current name');
  const top = (n: string) => n.split('/')[0];
  if (top(from) !== top(to)) {
    throw new RegistryError('NAME_INVALID', `a repository moves within its top-level namespace: ${JSON.stringify(top(from))} cannot become ${JSON.stringify(top(to))}`);
  }
}

/** Move every file of repository `from` to `to`; returns the number of files moved. */
export async function moveRepositoryFiles(driver: StorageDriver, from: string, to: string): Promise<number> {
  let moved = 0;
  const source = pathFor({ kind: 'repository', name: from });
  const target = pathFor({ kind: 'repository', name: to });
  for (const dir of ORDER) {
    const files = await listFilesBelow(driver, `${source}/${dir}`);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++] as string;
        // Gone meanwhile (a concurrent delete): nothing to move.
        await driver.move(file, `${target}${file.slice(source.length)}`).catch(notFoundAs(undefined));
        moved++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  }
  return moved;
}

/** Whether a name is a repository (has manifests). */
export async function isRepository(driver: StorageDriver, name: string): Promise<boolean> {
  return exists(driver, `${REPOSITORIES_ROOT}/${name}/_manifests`);
}
