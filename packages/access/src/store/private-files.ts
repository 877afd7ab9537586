/**
 * Files with secrets or hashes are for their owner only: mode 0600, in a directory of mode
 * 0700. New files are created that way; these helpers tighten what an older version (or a
 * generous umask) left readable by others, when a store opens.
 * @module
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Owner read and write. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner read, write and search. */
export const PRIVATE_DIR_MODE = 0o700;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Remove the group and other permission bits of `path`, if it exists and has any.
 * A file someone else owns (EPERM) or on a read-only mount (EROFS) is left as it is: refusing
 * to start over it would lock an administrator out of a store they may read.
 */
export async function restrictToOwner(path: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  try {
    await chmod(path, mode & 0o700);
  } catch (error) {
    if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'EROFS') throw error;
  }
}

/**
 * Create `dir` with mode 0700, or tighten it when it exists. Missing parents are created with
 * the usual mode: they may hold other things (the registry's content), only `dir` is private.
 */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { mode: PRIVATE_DIR_MODE }).catch((error: unknown) => {
    if (errorCode(error) !== 'EEXIST') throw error;
  });
  await restrictToOwner(dir);
}
