/**
 * `@wharf/storage-fs`: a Wharf storage driver over a local directory, with atomic, fsynced
 * writes.
 * @module
 */
export { FsStorage, type FsStorageOptions } from './fs-storage.js';
