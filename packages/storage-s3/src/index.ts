/**
 * `@wharf/storage-s3`: a Wharf storage driver over any S3-compatible object store, with
 * resumable multipart uploads, presigned redirects, retries and keep-alive connections.
 * @module
 */
export { S3Storage } from './s3-storage.js';
export { type S3StorageOptions, MIN_PART_SIZE } from './s3-options.js';
export { S3StorageError } from './s3-errors.js';
export { parseS3Url, type S3Location } from './s3-url.js';
export { countRequests, type RequestCounter } from './request-counter.js';
