/**
 * The environment a `wharf serve` child needs to keep its images in the test bucket: the
 * SDK's standard variables and `WHARF_STORAGE`. Children inherit the worker's environment, so
 * it is set on `process.env` and put back afterwards.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { S3Storage } from '@wharf/storage-s3';
import { endpointOptions, TEST_BUCKET, type s3Env } from '../../packages/storage-s3/src/test-support.js';
import { logOnFailureAndStop, startRegistry, type Registry } from '../e2e/server.js';

const KEYS = ['WHARF_STORAGE', 'AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

/** Point children started from now on at `s3://TEST_BUCKET/<prefix>`; returns the function that restores the environment. */
export function useS3ServerEnv(env: NonNullable<ReturnType<typeof s3Env>>, prefix: string): () => void {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    WHARF_STORAGE: `s3://${TEST_BUCKET}/${prefix}`,
    AWS_ENDPOINT_URL_S3: env.WHARF_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
  });
  return () => {
    for (const key of KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  };
}

/** Two `wharf serve` processes on one bucket prefix, as {@link useTwoServers} gives them. */
export interface TwoServers {
  readonly a: () => Registry;
  readonly b: () => Registry;
  /** A driver of the test's own on the same prefix (to look at, or clean up, the bucket). */
  readonly bucket: () => S3Storage;
}

/**
 * Register the hooks of a suite that runs two standalone servers (nothing shared but the
 * bucket) on a fresh prefix below `prefixBase`: started before its tests, stopped after them,
 * the prefix emptied, and their log printed when a test fails.
 */
export function useTwoServers(env: NonNullable<ReturnType<typeof s3Env>>, prefixBase: string): TwoServers {
  const prefix = `${prefixBase}/${randomUUID()}`;
  let a: Registry | undefined;
  let b: Registry | undefined;
  let bucket: S3Storage | undefined;
  let restoreEnv = () => {};
  logOnFailureAndStop(() => a);
  logOnFailureAndStop(() => b);
  beforeAll(async () => {
    restoreEnv = useS3ServerEnv(env, prefix);
    [a, b] = await Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'none' })]);
    bucket = new S3Storage({ bucket: TEST_BUCKET, prefix, ...endpointOptions(env) });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    restoreEnv();
    if (bucket) {
      for (const dir of await bucket.list('/').catch(() => [])) await bucket.delete(dir);
      bucket.destroy();
    }
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the servers are not started (beforeAll failed?)');
    return value;
  };
  return { a: () => started(a), b: () => started(b), bucket: () => started(bucket) };
}
