/**
 * `s3://BUCKET[/PREFIX]` locations, as `WHARF_STORAGE` takes them.
 * @module
 */
import { isValidPath } from '@wharf/core/storage';

/** A bucket and a key prefix. */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix without slashes at either end; empty for the whole bucket. */
  readonly prefix: string;
}

/** S3's bucket naming rules (lowercase letters, digits, dots and hyphens; 3 to 63). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parse `s3://bucket` or `s3://bucket/some/prefix`.
 * @throws Error naming what is wrong.
 * @example parseS3Url('s3://registry/wharf') // { bucket: 'registry', prefix: 'wharf' }
 */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url.trim());
  if (!match) throw new Error(`expected s3://BUCKET[/PREFIX], got "${url}"`);
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..')) throw new Error(`"${bucket}" is not a valid bucket name (3-63 of a-z, 0-9, "." and "-")`);
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  if (prefix && !isValidPath(`/${prefix}`)) throw new Error(`"${prefix}" is not a valid key prefix: use components of A-Z, a-z, 0-9, ".", "_" and "-" separated by "/"`);
  return { bucket, prefix };
}
