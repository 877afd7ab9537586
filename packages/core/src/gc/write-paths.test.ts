import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BlobStore } from '../blobs/blob-store.js';
import { RepositoryLinks } from '../blobs/repository-links.js';
import { parseDigest } from '../digest.js';
import { ManifestStore } from '../manifests/manifest-store.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { Referrers } from '../manifests/referrers.js';
import { createRegistry } from '../registry.js';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pathFor } from '../storage/paths.js';
import { bytes, errorCode, pushBlob, pushImage, sha256 } from '../test-support/fixtures.js';
import { GcSignal } from '../blobs/gc-signal.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const LATER = new Date('2030-01-01T05:00:00Z');
const name = 'team/app';

function setup() {
  const storage = guard(new MemoryStorage());
  const registry = createRegistry({ storage });
  const startGc = async () => {
    await storage.putContent(pathFor({ kind: 'gcRunning', run: 'test-run' }), new Uint8Array([1]));
    registry.api.gcSignal.reset();
  };
  const modTime = async (path: string) => (await storage.stat(path)).modTime.getTime();
  const blobPath = (digest: string) => pathFor({ kind: 'blob', digest: parseDigest(digest) });
  const linkPath = (repo: string, digest: string) => pathFor({ kind: 'layerLink', name: repo, digest: parseDigest(digest) });
  const revisionPath = (repo: string, digest: string) => pathFor({ kind: 'revision', name: repo, digest: parseDigest(digest) });
  return { storage, registry, app: registry.app, startGc, modTime, blobPath, linkPath, revisionPath };
}

function manifestOf(body: string): { config: { digest: string }; layers: Array<{ digest: string }> } {
  return JSON.parse(body) as { config: { digest: string }; layers: Array<{ digest: string }> };
}

async function putManifest(app: ReturnType<typeof setup>['app'], repo: string, reference: string, body: string, mediaType: string = MEDIA_TYPES.ociManifest) {
  return app.request(`/v2/${repo}/manifests/${reference}`, { method: 'PUT', body, headers: { 'Content-Type': mediaType } });
}

describe('reusing writes while a garbage collection may run', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should leave reused content alone when no collection runs', async () => {
    const { app, modTime, blobPath, linkPath, revisionPath } = setup();
    const image = await pushImage(app, name, 'v1');
    const { layers } = manifestOf(image.body);
    const layer = layers[0]!.digest;
    vi.setSystemTime(LATER);
    const content = new Uint8Array(64);
    await pushBlob(app, 'team/other', content);
    expect(await modTime(blobPath(layer))).toBe(T0.getTime());
    expect((await putManifest(app, name, 'v2', image.body)).status).toBe(201);
    expect(await modTime(blobPath(layer))).toBe(T0.getTime());
    expect(await modTime(linkPath(name, layer))).toBe(T0.getTime());
    expect(await modTime(revisionPath(name, image.digest))).toBe(T0.getTime());
  });

  it('should touch the blobs, links and existing revision a manifest PUT reuses', async () => {
    const { app, startGc, modTime, blobPath, linkPath, revisionPath } = setup();
    const image = await pushImage(app, name, 'v1');
    const { config, layers } = manifestOf(image.body);
    vi.setSystemTime(LATER);
    await startGc();
    expect((await putManifest(app, name, 'v2', image.body)).status).toBe(201);
    for (const digest of [config.digest, layers[0]!.digest]) {
      expect(await modTime(blobPath(digest))).toBe(LATER.getTime());
      expect(await modTime(linkPath(name, digest))).toBe(LATER.getTime());
    }
    expect(await modTime(revisionPath(name, image.digest))).toBe(LATER.getTime());
  });

  it('should touch the children of an index and what they reference', async () => {
    const { app, startGc, modTime, blobPath, revisionPath } = setup();
    const child = await pushImage(app, name, 'child');
    const layer = manifestOf(child.body).layers[0]!.digest;
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: child.digest, size: child.body.length }],
    });
    vi.setSystemTime(LATER);
    await startGc();
    expect((await putManifest(app, name, 'multi', index, MEDIA_TYPES.ociIndex)).status).toBe(201);
    expect(await modTime(revisionPath(name, child.digest))).toBe(LATER.getTime());
    expect(await modTime(blobPath(layer))).toBe(LATER.getTime());
  });

  it('should answer MANIFEST_BLOB_UNKNOWN when a collection took a referenced blob', async () => {
    const { app, storage, startGc, blobPath } = setup();
    const image = await pushImage(app, name, 'v1');
    await storage.delete(blobPath(manifestOf(image.body).layers[0]!.digest));
    // Without a collection the link is the check, as before.
    expect((await putManifest(app, name, 'v2', image.body)).status).toBe(201);
    await startGc();
    const r = await putManifest(app, name, 'v3', image.body);
    expect(r.status).toBe(400);
    expect(await errorCode(r)).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('should answer MANIFEST_BLOB_UNKNOWN when a child lost a blob to a collection', async () => {
    const { app, storage, startGc, blobPath } = setup();
    const child = await pushImage(app, name, 'child');
    await storage.delete(blobPath(manifestOf(child.body).layers[0]!.digest));
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: child.digest, size: child.body.length }],
    });
    await startGc();
    const r = await putManifest(app, name, 'multi', index, MEDIA_TYPES.ociIndex);
    expect(await errorCode(r)).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('should rewrite a revision a collection took during a re-push', async () => {
    const { app, storage, startGc, revisionPath } = setup();
    const image = await pushImage(app, name, 'v1');
    await storage.delete(revisionPath(name, image.digest));
    await startGc();
    expect((await putManifest(app, name, 'v2', image.body)).status).toBe(201);
    expect((await app.request(`/v2/${name}/manifests/v2`)).status).toBe(200);
  });

  it('should touch an existing blob when it is uploaded again, and move the copy in when it was taken', async () => {
    const { app, storage, startGc, modTime, blobPath } = setup();
    const content = bytes(100);
    const { digest } = await pushBlob(app, name, content);
    vi.setSystemTime(LATER);
    await startGc();
    await pushBlob(app, 'team/other', content);
    expect(await modTime(blobPath(digest))).toBe(LATER.getTime());
    await storage.delete(blobPath(digest));
    await pushBlob(app, 'team/third', content);
    expect(await modTime(blobPath(digest))).toBe(LATER.getTime());
    const r = await app.request(`/v2/team/third/blobs/${digest}`);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(content);
  });

  it('should touch a new blob whose last write is old as it moves into the store', async () => {
    const { storage, startGc, modTime, blobPath } = setup();
    const blobs = new BlobStore(storage, new GcSignal(storage));
    // A filesystem commit keeps the time of the last PATCH; the copy here is as old.
    await storage.putContent('/upload/copy', new TextEncoder().encode('abc'));
    vi.setSystemTime(LATER);
    await startGc();
    await blobs.adopt('/upload/copy', parseDigest(sha256('abc')));
    expect(await modTime(blobPath(sha256('abc')))).toBe(LATER.getTime());
  });

  it('should touch a mounted blob, and offer an upload when a collection took it', async () => {
    const { app, storage, startGc, modTime, blobPath } = setup();
    const { digest } = await pushBlob(app, name);
    vi.setSystemTime(LATER);
    await startGc();
    const mounted = await app.request(`/v2/team/other/blobs/uploads/?mount=${digest}&from=${name}`, { method: 'POST' });
    expect(mounted.status).toBe(201);
    expect(await modTime(blobPath(digest))).toBe(LATER.getTime());
    // The collection takes the blob after the mount's stat but before its touch.
    const touch = storage.driver.touch.bind(storage.driver);
    vi.spyOn(storage.driver, 'touch').mockImplementation(async (path, options) => {
      if (path === blobPath(digest)) await storage.driver.delete(path).catch(() => {});
      return touch(path, options);
    });
    const fallback = await app.request(`/v2/team/third/blobs/uploads/?mount=${digest}&from=${name}`, { method: 'POST' });
    expect(fallback.status).toBe(202);
  });
});

describe('writes slower than the budget', () => {
  function stores() {
    const driver = guard(new MemoryStorage());
    const gc = new GcSignal(driver, { budgetMs: -1 }); // every write has outlived its observation
    const links = new RepositoryLinks(driver);
    const manifests = new ManifestStore(driver, links, new Referrers(driver), undefined, gc);
    return { driver, gc, links, blobs: new BlobStore(driver, gc), manifests };
  }

  it('should check and touch references after a slow manifest PUT', async () => {
    const { driver, links, manifests } = stores();
    const layer = parseDigest(sha256('layer'));
    const config = parseDigest(sha256('config'));
    for (const d of [layer, config]) {
      await driver.putContent(pathFor({ kind: 'blob', digest: d }), new Uint8Array([1]));
      await links.link(name, d);
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.value, size: 1 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.value, size: 1 }],
    });
    const touch = vi.spyOn(driver, 'touch');
    await manifests.put(name, new TextEncoder().encode(body), MEDIA_TYPES.ociManifest, null, ['v1']);
    expect(touch.mock.calls.map((c) => c[0])).toContain(pathFor({ kind: 'blob', digest: layer }));
    // The layer vanishes during the next (slow) PUT, after the link check: the late touch notices.
    const has = links.has.bind(links);
    vi.spyOn(links, 'has').mockImplementation(async (repo, d) => {
      const result = await has(repo, d);
      await driver.delete(pathFor({ kind: 'blob', digest: layer })).catch(() => {});
      return result;
    });
    await expect(manifests.put(name, new TextEncoder().encode(body), MEDIA_TYPES.ociManifest, null, ['v2'])).rejects.toMatchObject({
      code: 'MANIFEST_BLOB_UNKNOWN',
    });
  });

  it('should put its own copy back when a collection took a reused blob during a slow publish', async () => {
    const { driver, blobs } = stores();
    const digest = parseDigest(sha256('abc'));
    const blob = pathFor({ kind: 'blob', digest });
    await driver.putContent(blob, new TextEncoder().encode('abc'));
    await driver.putContent('/upload/copy', new TextEncoder().encode('abc'));
    await blobs.adopt('/upload/copy', digest, async () => {
      await driver.delete(blob);
    });
    expect(new TextDecoder().decode(await driver.getContent(blob))).toBe('abc');
  });

  it('should refuse an upload whose new blob a collection took during a slow publish', async () => {
    const { driver, blobs } = stores();
    const digest = parseDigest(sha256('abc'));
    await driver.putContent('/upload/copy', new TextEncoder().encode('abc'));
    await expect(
      blobs.adopt('/upload/copy', digest, async () => {
        await driver.delete(pathFor({ kind: 'blob', digest }));
      }),
    ).rejects.toMatchObject({ code: 'BLOB_UPLOAD_INVALID' });
  });

  it('should report a mount as failed when a collection took the blob during a slow publish', async () => {
    const { driver, blobs } = stores();
    const digest = parseDigest(sha256('abc'));
    await driver.putContent(pathFor({ kind: 'blob', digest }), new TextEncoder().encode('abc'));
    expect(await blobs.reuse(digest, async () => {})).toBe(true);
    expect(await blobs.reuse(digest, () => driver.delete(pathFor({ kind: 'blob', digest })))).toBe(false);
  });
});

describe('GcSignal', () => {
  it('should read the markers at most once per cache period and see them appear', async () => {
    const driver = guard(new MemoryStorage());
    let now = 0;
    const signal = new GcSignal(driver, { cacheMs: 1000, budgetMs: 2000, clock: () => now });
    const list = vi.spyOn(driver, 'list');
    expect((await signal.observe()).active).toBe(false);
    await driver.putContent(pathFor({ kind: 'gcRunning', run: 'r' }), new Uint8Array([1]));
    now = 999;
    expect((await signal.observe()).active).toBe(false);
    expect(list).toHaveBeenCalledTimes(1);
    now = 1000;
    const seen = await signal.observe();
    expect(seen).toEqual({ active: true, at: 1000, runs: ['r'] });
    expect(signal.outlived(seen)).toBe(false);
    now = 3001;
    expect(signal.outlived(seen)).toBe(true);
  });

  it('should share one read between concurrent callers', async () => {
    const driver = guard(new MemoryStorage());
    const signal = new GcSignal(driver);
    const list = vi.spyOn(driver, 'list');
    await Promise.all([signal.observe(), signal.observe(), signal.observe()]);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('should answer active when the markers cannot be read', async () => {
    const driver = guard(new MemoryStorage());
    vi.spyOn(driver, 'list').mockRejectedValueOnce(new Error('disk on fire'));
    expect((await new GcSignal(driver).observe()).active).toBe(true);
  });
});
