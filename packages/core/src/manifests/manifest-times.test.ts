import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { pathFor } from '../storage/paths.js';
import { decodeRevision } from './manifest-link.js';
import { parseDigest } from '../digest.js';

describe('tag and manifest times', () => {
  function setup() {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const storage = new MemoryStorage();
    const registry = createRegistry({ storage, now: () => new Date(t) });
    const at = (iso: string) => {
      t = Date.parse(iso);
    };
    return { storage, ...registry, at };
  }

  it('should stamp a new tag with created and updated times, and a new manifest with its push time', async () => {
    const { app, api, storage, at } = setup();
    at('2026-02-01T10:00:00Z');
    const { digest } = await pushImage(app, 'team/app', 'v1');
    expect(await api.manifests.resolve('team/app', { tag: 'v1' })).toMatchObject({
      digest,
      createdAt: '2026-02-01T10:00:00.000Z',
      updatedAt: '2026-02-01T10:00:00.000Z',
    });
    const revision = decodeRevision(await storage.getContent(pathFor({ kind: 'revision', name: 'team/app', digest: parseDigest(digest) })));
    expect(revision?.link.pushedAt).toBe('2026-02-01T10:00:00.000Z');
  });

  it('should keep both times when the same manifest is pushed to the tag again', async () => {
    const { app, api, at } = setup();
    at('2026-02-01T10:00:00Z');
    const { body } = await pushImage(app, 'team/app', 'v1');
    at('2026-02-02T10:00:00Z');
    const again = await app.request('/v2/team/app/manifests/v1', { method: 'PUT', body, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(again.status).toBe(201);
    expect(await api.manifests.resolve('team/app', { tag: 'v1' })).toMatchObject({ createdAt: '2026-02-01T10:00:00.000Z', updatedAt: '2026-02-01T10:00:00.000Z' });
  });

  it('should keep the creation time and move the update time when the tag moves to another manifest', async () => {
    const { app, api, at } = setup();
    at('2026-02-01T10:00:00Z');
    await pushImage(app, 'team/app', 'latest');
    at('2026-03-01T10:00:00Z');
    const { digest } = await pushImage(app, 'team/app', 'latest');
    expect(await api.manifests.resolve('team/app', { tag: 'latest' })).toMatchObject({
      digest,
      createdAt: '2026-02-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
    });
  });
});
