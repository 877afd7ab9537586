/**
 * "Not found" as an answer rather than a failure. Much of core asks questions whose honest
 * answer may be "nothing is stored there" (is this blob linked? which uploads are left? delete
 * it if it is still there): {@link notFoundAs} is the one place that turns a
 * {@link PathNotFoundError} into that answer, and lets every other error through.
 * @module
 */
import { PathNotFoundError, type StatOptions, type StorageDriver } from './driver.js';

/**
 * A rejection handler for when a missing path is an answer: a {@link PathNotFoundError} becomes
 * `value`; anything else is thrown on.
 * @param value what "not found" answers (`null`, `false`, `undefined`, `[]`, …)
 * @example
 * const bytes = await driver.getContent(path).catch(notFoundAs(null));
 * await driver.delete(path).catch(notFoundAs(undefined)); // gone already: fine
 */
export function notFoundAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof PathNotFoundError) return value;
    throw error;
  };
}

/**
 * Whether a file or directory is stored at `path` (one `stat`); with `fileOnly`, whether a file
 * is (a directory may count as nothing: see `StatOptions`).
 */
export function exists(driver: StorageDriver, path: string, options?: StatOptions): Promise<boolean> {
  return driver.stat(path, options).then(() => true, notFoundAs(false));
}

/** `list`, with a missing directory as empty. */
export function listOrEmpty(driver: StorageDriver, dir: string): Promise<string[]> {
  return driver.list(dir).catch(notFoundAs<string[]>([]));
}
