/**
 * `@wharf/core/storage`: what a storage driver author needs, and nothing else — the driver
 * contract and its errors, the guard core wraps around every driver, the storage layout, and
 * the not-found helper. No HTTP and no router: a driver that imports only this entry never
 * pulls in Hono.
 *
 * ```ts
 * import { PathNotFoundError, type StorageDriver } from '@wharf/core/storage';
 * ```
 *
 * @module
 */
export * from './driver.js';
export * from './guard.js';
export { LAYOUT_ROOT, pathFor, type PathSpec } from './paths.js';
export { notFoundAs } from './not-found.js';
