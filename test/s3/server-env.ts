/**
 * The environment a `wharf serve` child needs to keep its images in the test bucket: the
 * SDK's standard variables and `WHARF_STORAGE`. Children inherit the worker's environment, so
 * it is set on `process.env` and put back afterwards.
 */
import { TEST_BUCKET, type s3Env } from '../../packages/storage-s3/src/test-support.js';

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
