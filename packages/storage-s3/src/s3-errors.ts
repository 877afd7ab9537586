/**
 * What S3 errors mean to the driver.
 * @module
 */
import { StorageError } from '@wharf/core/storage';

/** An S3 request failed for a reason the driver contract has no error for. */
export class S3StorageError extends StorageError {
  constructor(
    message: string,
    /** HTTP status of the last attempt, when there was a response. */
    readonly status?: number,
    /** S3's error code, e.g. `SlowDown`, `AccessDenied`. */
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(message, 'unknown', options);
  }
}

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** HTTP status of an SDK error, if it had a response. */
export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** S3 error code of an SDK error (`NoSuchKey`, `NotFound`, …). */
export function codeOf(error: unknown): string | undefined {
  const e = error as SdkError | undefined;
  return e?.Code ?? e?.name;
}

/** True for "no such key" (404), but not for a missing bucket or upload. */
export function isMissingKey(error: unknown): boolean {
  const code = codeOf(error);
  return statusOf(error) === 404 && code !== 'NoSuchBucket' && code !== 'NoSuchUpload';
}

/** True when a conditional request's precondition failed (412). */
export function isPreconditionFailed(error: unknown): boolean {
  return statusOf(error) === 412 || codeOf(error) === 'PreconditionFailed';
}

/** True when the multipart upload no longer exists (completed or aborted). */
export function isNoSuchUpload(error: unknown): boolean {
  return codeOf(error) === 'NoSuchUpload';
}

/**
 * The error to reject with: the signal's reason when it fired (the contract's rule), else a
 * {@link S3StorageError} describing the request, with the SDK's error as its cause.
 */
export function toDriverError(error: unknown, what: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof StorageError) return error;
  const status = statusOf(error);
  const code = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new S3StorageError(`s3 ${what}: ${status ? `${status} ` : ''}${code ?? ''}${detail && detail !== code ? ` ${detail}` : ''}`.trim(), status, code, {
    cause: error,
  });
}
