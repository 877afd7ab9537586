/** Blob GET and HEAD: what they ask the storage, and a blob that vanished under a known size. */
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import type { StorageDriver } from '../../storage/driver.js';
import { pathFor } from '../../storage/paths.js';
import { parseDigest } from '../../digest.js';
import { bytes, pushBlob } from '../../test-support/fixtures.js';

/** A memory driver that records the calls made to it. */
function recording(): { driver: StorageDriver; calls: string[] } {
  const inner = new MemoryStorage();
  const calls: string[] = [];
  const driver = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(key)} ${String(args[0]).replace(/^\/wharf\/v1\//, '').replace(/[0-9a-f]{64}/, 'HEX')}`);
        return value.apply(target, args);
      };
    },
  });
  return { driver, calls };
}

describe('blob GET and HEAD', () => {
  it('should check the link and stat the blob once for a HEAD, and stream a GET without a second stat', async () => {
    const { driver, calls } = recording();
    const { app } = createRegistry({ storage: driver });
    const content = bytes(1000);
    const { digest } = await pushBlob(app, 'team/app', content);
    calls.length = 0;
    expect((await app.request(`/v2/team/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
    expect(calls).toEqual(['stat repositories/team/app/_layers/sha256/HEX', 'stat blobs/sha256/' + digest.slice(7, 9) + '/HEX']);
    calls.length = 0;
    const res = await app.request(`/v2/team/app/blobs/${digest}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(content);
    // the size is known from the HEAD: link check, then the read
    expect(calls).toEqual(['stat repositories/team/app/_layers/sha256/HEX', 'reader blobs/sha256/' + digest.slice(7, 9) + '/HEX']);
  });

  it('should answer BLOB_UNKNOWN when a blob of known size is gone by the time it is read', async () => {
    const storage = new MemoryStorage();
    const { app } = createRegistry({ storage });
    const { digest } = await pushBlob(app, 'team/app', bytes(100));
    expect((await app.request(`/v2/team/app/blobs/${digest}`)).status).toBe(200);
    // another process's garbage collection takes the blob (the link stays in this test)
    await storage.delete(pathFor({ kind: 'blob', digest: parseDigest(digest) }));
    const res = await app.request(`/v2/team/app/blobs/${digest}`);
    expect(res.status).toBe(404);
    expect((await res.json()).errors[0].code).toBe('BLOB_UNKNOWN');
    expect((await app.request(`/v2/team/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });
});
