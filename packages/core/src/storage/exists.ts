/** Whether something is stored at a path. @module */
import { PathNotFoundError, type StatOptions, type StorageDriver } from './driver.js';

/**
 * Whether a file or directory is stored at `path` (one `stat`); with `fileOnly`, whether a file
 * is (a directory may count as nothing: see `StatOptions`).
 */
export function exists(driver: StorageDriver, path: string, options?: StatOptions): Promise<boolean> {
  return driver.stat(path, options).then(() => true, absentAsFalse);
}

/** A rejection handler: "not found" answers false, anything else is thrown on. */
export function absentAsFalse(error: unknown): false {
  if (error instanceof PathNotFoundError) return false;
  throw error;
}
