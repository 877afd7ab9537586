import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '@wharf/core/storage';
import { describeDriverConformance } from '@wharf/core/testing';
import { FsStorage } from './fs-storage.js';

describeDriverConformance({
  name: 'filesystem',
  create: async () => new FsStorage({ root: await mkdtemp(join(tmpdir(), 'wharf-fs-')) }),
  destroy: async (driver: StorageDriver) => {
    await rm((driver as FsStorage).root, { recursive: true, force: true });
  },
});
