/**
 * Options of the S3 driver and the client it makes when it is not given one.
 * @module
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** S3's smallest part (all but the last part of a multipart upload). */
export const MIN_PART_SIZE = 5 * MiB;
/** S3's largest part, and the largest object a single CopyObject can copy. */
export const MAX_PART_SIZE = 5 * GiB;
/** S3's largest part number. */
export const MAX_PARTS = 10_000;

/** Options of {@link S3Storage}. */
export interface S3StorageOptions {
  /** The bucket. It must exist (see `ensureBucket()`). */
  readonly bucket: string;
  /**
   * Key prefix: the store lives under `<prefix>/` (and unfinished uploads under
   * `<prefix>#uploads/`). Components of `[A-Za-z0-9._-]`; default none (the whole bucket).
   */
  readonly prefix?: string;
  /**
   * A ready client. When given, `region`, `endpoint`, `forcePathStyle`, `credentials`,
   * `maxAttempts`, `maxSockets`, `requestTimeout` and `clientConfig` are ignored.
   */
  readonly client?: S3Client;
  /** Region; default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1`. */
  readonly region?: string;
  /** Endpoint of an S3-compatible service; default `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then AWS. */
  readonly endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); default `true` with a custom endpoint, else `false`. */
  readonly forcePathStyle?: boolean;
  /** Access keys; default the SDK's chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, instance roles…). */
  readonly credentials?: S3ClientConfig['credentials'];
  /**
   * Attempts per request, retries included, with exponential backoff and jitter on throttling
   * (429, 503 `SlowDown`), 5xx and network errors (the SDK's standard retry strategy). Default 5.
   */
  readonly maxAttempts?: number;
  /** Keep-alive connections per host (the agent's `maxSockets`); default 64. */
  readonly maxSockets?: number;
  /** Milliseconds a request may wait for its response or next body bytes; default 60 000. */
  readonly requestTimeout?: number;
  /** Anything else for the client this driver makes (merged last). */
  readonly clientConfig?: S3ClientConfig;
  /**
   * Bytes per multipart part when a writer streams (default 8 MiB, at least 5 MiB). Each
   * writer buffers one part, plus `uploadConcurrency` parts in flight. Uploads can grow to
   * 10,000 parts: 78 GiB with the default.
   */
  readonly partSize?: number;
  /** Parts one writer uploads at the same time (default 2). */
  readonly uploadConcurrency?: number;
  /** Objects larger than this are copied (moved) as multipart copies (default and maximum 5 GiB). */
  readonly multipartCopyThreshold?: number;
  /** Part size of a multipart copy (default 1 GiB, 5 MiB to 5 GiB). */
  readonly multipartCopyPartSize?: number;
  /** Parts of one multipart copy copied at the same time (default 4). */
  readonly copyConcurrency?: number;
  /**
   * Serve blob GETs (and HEADs) by redirect to a presigned URL: `true`, or `{ expiresIn }` in
   * seconds (default 1200). Default `false`: the registry streams the bytes itself. The
   * registry redirects only when created with `redirects: true` too.
   */
  readonly redirect?: boolean | { readonly expiresIn?: number };
}

/** The options with their defaults applied and checked. */
export interface ResolvedOptions {
  readonly partSize: number;
  readonly uploadConcurrency: number;
  readonly multipartCopyThreshold: number;
  readonly multipartCopyPartSize: number;
  readonly copyConcurrency: number;
  /** Seconds a presigned URL stays valid, or `null` when redirects are off. */
  readonly redirectExpiresIn: number | null;
}

/** Apply defaults and check ranges. @throws RangeError on an out-of-range size. */
export function resolveOptions(options: S3StorageOptions): ResolvedOptions {
  const size = (name: string, value: number | undefined, fallback: number, min: number, max: number): number => {
    const v = value ?? fallback;
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`S3Storage ${name}: expected an integer from ${min} to ${max}, got ${v}`);
    return v;
  };
  const redirect = options.redirect;
  return {
    partSize: size('partSize', options.partSize, 8 * MiB, MIN_PART_SIZE, MAX_PART_SIZE),
    uploadConcurrency: size('uploadConcurrency', options.uploadConcurrency, 2, 1, 64),
    multipartCopyThreshold: size('multipartCopyThreshold', options.multipartCopyThreshold, MAX_PART_SIZE, MIN_PART_SIZE, MAX_PART_SIZE),
    multipartCopyPartSize: size('multipartCopyPartSize', options.multipartCopyPartSize, GiB, MIN_PART_SIZE, MAX_PART_SIZE),
    copyConcurrency: size('copyConcurrency', options.copyConcurrency, 4, 1, 64),
    redirectExpiresIn: !redirect ? null : size('redirect.expiresIn', redirect === true ? undefined : redirect.expiresIn, 1200, 1, 7 * 24 * 3600),
  };
}

/**
 * The client the driver makes: keep-alive agents, retries, and the checksum settings that
 * S3-compatible services accept (checksums only where S3 requires them; see the README).
 */
export function createClient(options: S3StorageOptions, env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  const maxSockets = options.maxSockets ?? 64;
  const agent = { keepAlive: true, maxSockets, scheduling: 'lifo' as const };
  return new S3Client({
    region: options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
      connectionTimeout: 10_000,
      requestTimeout: options.requestTimeout ?? 60_000,
    }),
    ...options.clientConfig,
  });
}
