/**
 * Garbage collection under load on the filesystem: eight clients push, re-tag and pull images
 * over a real socket (gc-workload.ts) while garbage collection runs in a loop over the same
 * directory through its own driver instance, as `wharf gc` would, deleting untagged manifests
 * with a grace period of one second. test/s3/gc-two-processes.test.ts runs the same workload
 * across two processes on S3.
 *
 * WHARF_GC_LOAD_SECONDS (default 60) and WHARF_GC_LOAD_CLIENTS (default 8) tune it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { collectGarbage, createRegistry } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { runGcWorkload } from './gc-workload.js';

const SECONDS = Number(process.env.WHARF_GC_LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.WHARF_GC_LOAD_CLIENTS ?? 8);
const GRACE_MS = 1_000;

describe('garbage collection under load', () => {
  let dir: string;
  let server: NodeRegistryServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-gc-load-'));
    const registry = createRegistry({ storage: new FsStorage({ root: dir, fsync: false }) });
    server = await serve(registry.app, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`should lose nothing while ${CLIENTS} clients push and re-tag for ${SECONDS} s and GC runs in a loop`, async () => {
    // Its own driver instance over the same directory, as a `wharf gc` process would have.
    const storage = new FsStorage({ root: dir, fsync: false });
    await runGcWorkload({
      servers: [server.url],
      seconds: SECONDS,
      clients: CLIENTS,
      graceMs: GRACE_MS,
      collect: () => collectGarbage(storage, { deleteUntagged: true, graceMs: GRACE_MS, settleMs: 2_500 }),
      finalCollect: () => collectGarbage(storage, { deleteUntagged: true, graceMs: GRACE_MS, settleMs: 0 }),
      storage,
    });
  });
});
