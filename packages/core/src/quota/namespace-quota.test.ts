import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pathFor } from '../storage/paths.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { utf8 } from '../streams.js';
import { sha256 } from '../test-support/fixtures.js';
import { parseDigest } from '../digest.js';
import type { QuotaOptions } from './namespace-quota.js';

const KiB = 1024;
const blob = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** Names of the namespace's reservation files. */
async function reservations(storage: MemoryStorage): Promise<string[]> {
  const files = await storage.list(pathFor({ kind: 'quotaReservationsDir', namespace: 'team' })).catch(() => [] as string[]);
  return files.map((f) => f.slice(f.lastIndexOf('/') + 1));
}

function setup(storage = new MemoryStorage(), options: Partial<QuotaOptions> = {}) {
  const registry = createRegistry({
    storage,
    quota: { bytesFor: (namespace) => (namespace === 'team' ? 10 * KiB : null), ...options },
  });
  const push = async (repo: string, content: Uint8Array<ArrayBuffer>) =>
    registry.app.request(`/v2/${repo}/blobs/uploads/?digest=${sha256(content)}`, { method: 'POST', body: content });
  /** An image manifest of about `padding` bytes over an already pushed `config`. */
  const putManifest = (repo: string, tag: string, config: Uint8Array, padding: number) =>
    registry.app.request(`/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'Content-Type': MEDIA_TYPES.ociManifest },
      body: JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.byteLength },
        layers: [],
        annotations: { padding: 'x'.repeat(padding) },
      }),
    });
  return { ...registry, storage, push, putManifest };
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

  it('should count a blob of a repository without a manifest however often usage is recounted', async () => {
    const { push } = setup(new MemoryStorage(), { maxAgeMs: 0 });
    expect((await push('team/a', blob(9 * KiB, 1))).status).toBe(201);
    expect((await push('team/b', blob(9 * KiB, 2))).status).toBe(403);
  });

  it('should count manifests, and never refuse one the namespace holds already', async () => {
    const { push, putManifest, api } = setup();
    const config = blob(100, 5);
    expect((await push('team/a', config)).status).toBe(201);
    expect((await putManifest('team/a', 'v1', config, 6 * KiB)).status).toBe(201);
    expect(await api.quota?.used('team')).toBeGreaterThan(6 * KiB);
    const over = await putManifest('team/a', 'v2', config, 5 * KiB);
    expect(over.status).toBe(403);
    expect(((await over.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/and this manifest needs \d+ more$/);
    expect((await putManifest('team/a', 'again', config, 6 * KiB)).status).toBe(201);
  });

  it('should see what another registry on the same storage stored, at once', async () => {
    const storage = new MemoryStorage();
    const one = setup(storage);
    const two = setup(storage);
    expect((await one.push('team/a', blob(6 * KiB, 1))).status).toBe(201);
    expect((await two.push('team/b', blob(6 * KiB, 2))).status).toBe(403);
    expect(await two.api.quota?.used('team')).toBe(6 * KiB);
  });

  it('should decide concurrent pushes in turn, so exactly the ones that fit are accepted', async () => {
    const { push } = setup();
    const statuses = await Promise.all([1, 2, 3, 4].map((n) => push(`team/r${n}`, blob(4 * KiB, n)).then((r) => r.status)));
    expect(statuses.sort()).toEqual([201, 201, 403, 403]);
  });

  it('should count a push another process is publishing, until its reservation expires', async () => {
    const storage = new MemoryStorage();
    const { push, api } = setup(storage, { reservationTtlMs: 60_000 });
    const digest = parseDigest(sha256('pending'));
    const reserve = (at: number) =>
      storage.putContent(pathFor({ kind: 'quotaReservation', namespace: 'team', file: `${at}.${6 * KiB}.sha256-${digest.hex}.crashed.publishing` }), utf8('team/x'));
    await reserve(Date.now());
    expect(await api.quota?.used('team')).toBe(6 * KiB);
    expect((await push('team/a', blob(6 * KiB, 1))).status).toBe(403);
    await storage.delete(pathFor({ kind: 'quotaReservationsDir', namespace: 'team' }));
    await reserve(Date.now() - 120_000);
    expect(await api.quota?.used('team')).toBe(0);
    expect(await reservations(storage)).toEqual([]);
    expect((await push('team/a', blob(6 * KiB, 1))).status).toBe(201);
  });

  it('should delete the reservation of a refused push and mark that of a published one', async () => {
    const { push, storage } = setup();
    expect((await push('team/a', blob(6 * KiB, 1))).status).toBe(201);
    expect((await push('team/a', blob(6 * KiB, 2))).status).toBe(403);
    const names = await reservations(storage);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(new RegExp(`^\\d+\\.${6 * KiB}\\.sha256-${sha256(blob(6 * KiB, 1)).slice(7)}\\.[0-9a-f-]+\\.published$`));
  });

  it('should count pushes another registry made since its last full count', async () => {
    const storage = new MemoryStorage();
    const one = setup(storage);
    const two = setup(storage);
    expect((await two.push('team/a', blob(1 * KiB, 1))).status).toBe(201); // two counts in full
    expect((await one.push('team/b', blob(6 * KiB, 2))).status).toBe(201);
    expect((await two.push('team/c', blob(6 * KiB, 3))).status).toBe(403); // a quick check would fit without one's push
    expect((await two.push('team/c', blob(3 * KiB, 4))).status).toBe(201);
  });

  it('should free the space of a deleted blob at once', async () => {
    const { push, app } = setup();
    const first = blob(6 * KiB, 1);
    expect((await push('team/a', first)).status).toBe(201);
    expect((await app.request(`/v2/team/a/blobs/${sha256(first)}`, { method: 'DELETE' })).status).toBe(202);
    expect((await push('team/a', blob(6 * KiB, 2))).status).toBe(201);
  });

  it('should walk every repository when the host chooses namespaces itself', async () => {
    const { push } = setup(new MemoryStorage(), { namespaceOf: (repository) => (repository.includes('/team-') ? 'team' : 'other') });
    expect((await push('a/team-x', blob(6 * KiB, 1))).status).toBe(201);
    expect((await push('b/team-y', blob(6 * KiB, 2))).status).toBe(403);
    expect((await push('team/z', blob(6 * KiB, 3))).status).toBe(201);
  });
});
