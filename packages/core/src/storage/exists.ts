/** Whether something is stored at a path. @module */
import { PathNotFoundError, type StorageDriver } from './driver.js';

/**
 * Whether a file or directory is stored at `path` (one `stat`); with `fileOnly`, whether a file
 * is (a directory may count as nothing: see `StatOptions`).
 */
export async function exists(driver: StorageDriver, path: string, options?: { readonly fileOnly?: boolean }): Promise<boolean> {
  try {
    await driver.stat(path, options);
    return true;
  } catch (error) {
    if (error instanceof PathNotFoundError) return false;
    throw error;
  }
}
