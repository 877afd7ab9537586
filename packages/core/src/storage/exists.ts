/** Whether something is stored at a path. @module */
import { PathNotFoundError, type StorageDriver } from './driver.js';

/** Whether a file or directory is stored at `path` (one `stat`). */
export async function exists(driver: StorageDriver, path: string): Promise<boolean> {
  try {
    await driver.stat(path);
    return true;
  } catch (error) {
    if (error instanceof PathNotFoundError) return false;
    throw error;
  }
}
