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
 * repositories and do not move. A rename stays inside its top-level namespace by default: the
 * plain management API cannot know whether the new namespace's owners agreed to receive the
 * images. A host that has checked that itself (a project transfer under the access model's
 * rules: the target group exists, the caller may create projects in it) passes
 * `acrossNamespaces`. Such a move is not weighed against the new namespace's storage quota,
 * since nothing is uploaded; the host decides whether a transfer may push it over.
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

/** Options of a rename. */
export interface RenameOptions {
  /**
   * Allow the new name to be in another top-level namespace (default false). Only for hosts
   * that vouch for the move, e.g. a project transfer checked against the access model.
   */
  readonly acrossNamespaces?: boolean;
}

/**
 * Check that `from` can become `to`.
 * @param options.acrossNamespaces allow another top-level namespace (default false)
 * @throws RegistryError NAME_INVALID for an invalid name, the same name, or (without
 *   `acrossNamespaces`) another top-level namespace.
 */
export function checkRename(from: string, to: string, options: RenameOptions = {}): void {
  assertValidName(from);
  assertValidName(to);
  if (from === to) throw new RegistryError('NAME_INVALID', 'the new name is the current name');
  const top = (n: string) => n.split('/')[0];
  if (!options.acrossNamespaces && top(from) !== top(to)) {
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
