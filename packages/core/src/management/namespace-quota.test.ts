import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { sha256 } from '../test-support/fixtures.js';
import { parseDigest } from '../digest.js';

const KiB = 1024;
const blob = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function setup() {
  const registry = createRegistry({
    storage: new MemoryStorage(),
    quota: { bytesFor: (namespace) => (namespace === 'team' ? 10 * KiB : null) },
  });
  const push = (repo: string, content: Uint8Array<ArrayBuffer>) =>
    registry.app.request(`/v2/${repo}/blobs/uploads/?digest=${sha256(content)}`, { method: 'POST', body: content });
  return { ...registry, push };
}

describe('namespace quota', () => {
  it('should accept pushes up to the quota and refuse the one that goes over with 403 DENIED', async () => {
    const { push, api } = setup();
    expect((await push('team/a', blob(6 * KiB, 1))).status).toBe(201);
    const over = await push('team/b', blob(6 * KiB, 2));
    expect(over.status).toBe(403);
    const body = (await over.json()) as { errors: { code: string; message: string; detail: Record<string, number> }[] };
    expect(body.errors[0]?.code).toBe('DENIED');
    expect(body.errors[0]?.message).toMatch(/namespace team is over its storage quota: 6144 of 10240 bytes used/);
    expect(body.errors[0]?.detail).toMatchObject({ quota: 10240, used: 6144, needed: 6144 });
    // Nothing of the refused blob is published.
    expect(await api.blobs.stat(parseDigest(sha256(blob(6 * KiB, 2))))).toBeNull();
  });

  it('should count a blob already in the namespace once, so pushing it again to another repository is free', async () => {
    const { push } = setup();
    expect((await push('team/a', blob(8 * KiB, 1))).status).toBe(201);
    expect((await push('team/b', blob(8 * KiB, 1))).status).toBe(201);
  });

  it('should leave other namespaces alone', async () => {
    const { push } = setup();
    expect((await push('team/a', blob(9 * KiB, 1))).status).toBe(201);
    expect((await push('other/a', blob(64 * KiB, 3))).status).toBe(201);
  });

  it('should refuse a cross-repository mount that takes the namespace over quota', async () => {
    const { push, app } = setup();
    const big = blob(12 * KiB, 4);
    expect((await push('other/src', big)).status).toBe(201);
    const mount = await app.request(`/v2/team/a/blobs/uploads/?mount=${sha256(big)}&from=other/src`, { method: 'POST' });
    expect(mount.status).toBe(403);
  });
});
