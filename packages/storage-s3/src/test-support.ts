/**
 * Test helpers: the S3 endpoint `test/s3/global-setup.ts` found (or why there is none), and
 * drivers on a fresh prefix of one test bucket.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { S3Storage } from './s3-storage.js';
import type { S3StorageOptions } from './s3-options.js';

export const TEST_BUCKET = 'wharf-tests';

/** The endpoint's variables, or `null` (and a loud message, once per file) when there is none. */
export function s3Env(): Record<string, string> | null {
  const env = inject('wharfS3Env') ?? {};
  if (env.WHARF_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3) return env;
  const why = inject('wharfS3Missing') || 'the s3 project global setup did not run (run these tests with `npx vitest run --project s3`)';
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING the S3 driver tests: ${why}\n${'!'.repeat(100)}\n`);
  return null;
}

/** Options reaching the test endpoint. */
export function endpointOptions(env: Record<string, string>): Pick<S3StorageOptions, 'endpoint' | 'region' | 'credentials' | 'forcePathStyle'> {
  return {
    endpoint: env.WHARF_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3!,
    region: env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
  };
}

/** A driver on a new prefix of the test bucket (created when missing). */
export async function freshStorage(env: Record<string, string>, options: Partial<S3StorageOptions> = {}): Promise<S3Storage> {
  const storage = new S3Storage({ bucket: TEST_BUCKET, prefix: `t/${randomUUID()}`, ...endpointOptions(env), ...options });
  await storage.ensureBucket();
  return storage;
}

/** Delete everything under the driver's prefix (files and unfinished writers) and close it. */
export async function dropStorage(storage: S3Storage): Promise<void> {
  for (const dir of await storage.list('/')) await storage.delete(dir);
  storage.destroy();
}
