import type { StorageDriver } from '@wharf/core/storage';
import { describeDriverConformance } from '@wharf/core/testing';
import { describe, it } from 'vitest';
import type { S3Storage } from './s3-storage.js';
import { dropStorage, freshStorage, s3Env } from './test-support.js';

const env = s3Env();

if (env) {
  describeDriverConformance({
    name: 's3 (real server)',
    create: () => freshStorage(env),
    destroy: (driver: StorageDriver) => dropStorage(driver as S3Storage),
  });
} else {
  describe.skip('storage driver conformance: s3 (no S3 endpoint, see the warning above)', () => {
    it('should run against a real S3 server', () => {});
  });
}
