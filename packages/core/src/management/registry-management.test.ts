import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushBlob, pushImage } from '../test-support/fixtures.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';

function setup() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const registry = createRegistry({ storage: new MemoryStorage(), now: () => new Date(t) });
  const at = (iso: string) => {
    t = Date.parse(iso);
  };
  return { ...registry, at };
}

describe('RegistryManagement', () => {
  it('should list repositories under a prefix with tag counts, times and deduplicated size', async () => {
    const { app, management, at } = setup();
    at('2026-02-01T00:00:00Z');
    await pushImage(app, 'team/app', 'v1');
    at('2026-02-02T00:00:00Z');
    await pushImage(app, 'team/app', 'v2');
    await pushImage(app, 'team/app/api', 'v1');
    await pushImage(app, 'other/x', 'v1');
    const { items, next } = await management.listRepositories({ prefix: 'team/app' });
    expect(next).toBeNull();
    expect(items.map((r) => [r.name, r.tagCount, r.createdAt, r.updatedAt])).toEqual([
      ['team/app', 2, '2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z'],
      ['team/app/api', 1, '2026-02-02T00:00:00.000Z', '2026-02-02T00:00:00.000Z'],
    ]);
    expect(items[0]?.size).toBeGreaterThan(0);
  });

  it('should not count a prefix that only shares leading characters', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/app', 'v1');
    await pushImage(app, 'team/application', 'v1');
    expect((await management.listRepositories({ prefix: 'team/app' })).items.map((r) => r.name)).toEqual(['team/app']);
  });

  it('should search, sort by update time and page with a keyset cursor', async () => {
    const { app, management, at } = setup();
    for (const [i, name] of ['a/one', 'a/two', 'a/three', 'b/four'].entries()) {
      at(`2026-03-0${i + 1}T00:00:00Z`);
      await pushImage(app, name, 'v1');
    }
    const first = await management.listRepositories({ search: 'a/', sort: 'updated', order: 'desc', limit: 2 });
    expect(first.items.map((r) => r.name)).toEqual(['a/three', 'a/two']);
    const second = await management.listRepositories({ search: 'a/', sort: 'updated', order: 'desc', limit: 2, cursor: first.next ?? '' });
    expect(second.items.map((r) => r.name)).toEqual(['a/one']);
    expect(second.next).toBeNull();
  });

  it('should see a new push in the listing at once', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/app', 'v1');
    expect((await management.listRepositories()).items[0]?.tagCount).toBe(1);
    await pushImage(app, 'team/app', 'v2');
    await pushImage(app, 'team/new', 'v1');
    const items = (await management.listRepositories()).items;
    expect(items.map((r) => [r.name, r.tagCount])).toEqual([
      ['team/app', 2],
      ['team/new', 1],
    ]);
  });

  it('should count a blob shared by two tags once in the repository size', async () => {
    const { app, management } = setup();
    const layer = await pushBlob(app, 'team/app');
    const config = await pushBlob(app, 'team/app', new TextEncoder().encode('{"architecture":"amd64","os":"linux"}'));
    const manifest = (n: number) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
        annotations: { n: String(n) },
      });
    for (const n of [1, 2]) {
      const res = await app.request(`/v2/team/app/manifests/t${n}`, { method: 'PUT', body: manifest(n), headers: { 'Content-Type': MEDIA_TYPES.ociManifest } });
      expect(res.status).toBe(201);
    }
    const expected = layer.size + config.size + manifest(1).length + manifest(2).length;
    expect(await management.repositorySize('team/app')).toBe(expected);
    expect((await management.tagDetails('team/app', 't1')).totalSize).toBe(layer.size + config.size + manifest(1).length);
  });

  it('should give the platforms of an index, leaving out attestations, and none for a single image', async () => {
    const { app, management } = setup();
    const amd = await pushImage(app, 'team/app', 'amd');
    const arm = await pushImage(app, 'team/app', 'arm');
    const child = (m: { digest: string; body: string }, platform: Record<string, string>) => ({
      mediaType: MEDIA_TYPES.ociManifest,
      digest: m.digest,
      size: m.body.length,
      platform,
    });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        child(amd, { os: 'linux', architecture: 'amd64' }),
        child(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
        child(arm, { os: 'unknown', architecture: 'unknown' }),
      ],
    });
    const res = await app.request('/v2/team/app/manifests/multi', {
      method: 'PUT',
      body: index,
      headers: { 'Content-Type': MEDIA_TYPES.ociIndex },
    });
    expect(res.status).toBe(201);
    const details = await management.tagDetails('team/app', 'multi');
    expect(details.platforms).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect(details.manifests).toHaveLength(2);
    expect((await management.tagDetails('team/app', 'amd')).platforms).toEqual([]);
  });

  it('should list tags with digest, media type, size and times, filtered, sorted and paged', async () => {
    const { app, management, at } = setup();
    at('2026-04-01T00:00:00Z');
    const v1 = await pushImage(app, 'team/app', 'v1.0');
    at('2026-04-03T00:00:00Z');
    await pushImage(app, 'team/app', 'v2.0');
    at('2026-04-02T00:00:00Z');
    await pushImage(app, 'team/app', 'main');
    const byCreated = await management.listTags('team/app', { sort: 'created', order: 'desc' });
    expect(byCreated.items.map((t) => t.name)).toEqual(['v2.0', 'main', 'v1.0']);
    const filtered = await management.listTags('team/app', { name: 'v', limit: 1 });
    expect(filtered.items.map((t) => t.name)).toEqual(['v1.0']);
    expect(filtered.items[0]).toMatchObject({ digest: v1.digest, mediaType: MEDIA_TYPES.ociManifest, size: v1.body.length, createdAt: '2026-04-01T00:00:00.000Z' });
    const rest = await management.listTags('team/app', { name: 'v', limit: 1, cursor: filtered.next ?? '' });
    expect(rest.items.map((t) => t.name)).toEqual(['v2.0']);
  });

  it('should give the whole repository size with a filtered page of tags when asked', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/app', 'v1');
    await pushImage(app, 'team/app', 'v2');
    const page = await management.listTags('team/app', { name: 'v1', withSize: true });
    expect(page.items.map((t) => t.name)).toEqual(['v1']);
    expect(page.size).toBe(await management.repositorySize('team/app'));
    expect(page.size).toBeGreaterThan(0);
    expect((await management.listTags('team/app')).size).toBeUndefined();
  });

  it('should refuse a cursor it did not make and a page size out of range', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/app', 'v1');
    await expect(management.listTags('team/app', { cursor: 'garbage' })).rejects.toMatchObject({ code: 'PAGINATION_NUMBER_INVALID' });
    await expect(management.listTags('team/app', { limit: 0 })).rejects.toMatchObject({ code: 'PAGINATION_NUMBER_INVALID' });
    await expect(management.listTags('team/app', { limit: 101 })).rejects.toMatchObject({ code: 'PAGINATION_NUMBER_INVALID' });
  });

  it('should bulk-delete tags by name, reporting the ones that did not exist', async () => {
    const { app, management } = setup();
    for (const tag of ['a', 'b', 'c']) await pushImage(app, 'team/app', tag);
    const result = await management.deleteTags('team/app', ['a', 'c', 'zzz']);
    expect(result).toEqual({ deleted: ['a', 'c'], notFound: ['zzz'], failed: [] });
    expect((await management.listTags('team/app')).items.map((t) => t.name)).toEqual(['b']);
  });

  it('should refuse a malformed tag in a bulk delete and delete nothing', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/app', 'a');
    await expect(management.deleteTags('team/app', ['a', '../x'])).rejects.toMatchObject({ code: 'TAG_INVALID' });
    expect((await management.listTags('team/app')).items).toHaveLength(1);
  });

  it('should delete a repository in the background and report the job', async () => {
    const { app, api, management } = setup();
    for (const tag of ['a', 'b']) await pushImage(app, 'team/app', tag);
    await pushImage(app, 'team/keep', 'x');
    const { job, done } = await management.deleteRepository('team/app');
    expect(job.status).toBe('running');
    const finished = await done;
    expect(finished).toMatchObject({ status: 'done', tagsDeleted: 2, manifestsDeleted: 2, error: null });
    expect(management.deletion(job.id)?.status).toBe('done');
    expect(await api.manifests.repositoryExists('team/app')).toBe(false);
    expect((await management.listRepositories()).items.map((r) => r.name)).toEqual(['team/keep']);
    expect((await app.request('/v2/team/app/tags/list')).status).toBe(404);
  });

  it('should refuse to delete a repository that does not exist', async () => {
    const { management } = setup();
    await expect(management.deleteRepository('team/none')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
  });

  it('should report usage per repository and a namespace total counting shared blobs once', async () => {
    const { app, management } = setup();
    const shared = new Uint8Array(4096).fill(7);
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    const sizes: number[] = [];
    for (const repo of ['team/a', 'team/b']) {
      const layer = await pushBlob(app, repo, shared);
      const cfg = await pushBlob(app, repo, config);
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      });
      const res = await app.request(`/v2/${repo}/manifests/v1`, { method: 'PUT', body, headers: { 'Content-Type': MEDIA_TYPES.ociManifest } });
      expect(res.status).toBe(201);
      sizes.push(layer.size + cfg.size + body.length);
    }
    const usage = await management.usage('team');
    expect(usage.repositories).toEqual([
      { name: 'team/a', size: sizes[0] },
      { name: 'team/b', size: sizes[1] },
    ]);
    // Both manifests are stored (one per repository); the layer and config only once.
    expect(usage.total).toBe((sizes[0] as number) + (sizes[1] as number) - shared.length - config.length);
  });
});

describe('RegistryManagement.renameRepository', () => {
  it('should move a repository with its tags and manifests, leaving nested repositories in place', async () => {
    const { app, management } = setup();
    const v1 = await pushImage(app, 'team/app', 'v1');
    await pushImage(app, 'team/app/api', 'v1');
    const result = await management.renameRepository('team/app', 'team/service');
    expect(result.files).toBeGreaterThan(0);
    const moved = await app.request('/v2/team/service/manifests/v1', { headers: { Accept: MEDIA_TYPES.ociManifest } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('docker-content-digest')).toBe(v1.digest);
    const manifest = JSON.parse(await moved.text()) as { layers: { digest: string }[] };
    expect((await app.request(`/v2/team/service/blobs/${manifest.layers[0]?.digest}`)).status).toBe(200);
    expect((await app.request('/v2/team/app/manifests/v1')).status).toBe(404);
    expect((await app.request('/v2/team/app/api/manifests/v1')).status).toBe(200);
    expect((await management.listRepositories()).items.map((r) => r.name)).toEqual(['team/app/api', 'team/service']);
  });

  it('should refuse a rename into another top-level namespace, onto an existing repository, or of a missing one', async () => {
    const { app, management } = setup();
    await pushImage(app, 'team/a', 'v1');
    await pushImage(app, 'team/b', 'v1');
    await expect(management.renameRepository('team/a', 'other/a')).rejects.toMatchObject({ code: 'NAME_INVALID' });
    await expect(management.renameRepository('team/a', 'team/b')).rejects.toMatchObject({ code: 'NAME_CONFLICT' });
    await expect(management.renameRepository('team/none', 'team/c')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(management.renameRepository('team/a', 'team/a')).rejects.toMatchObject({ code: 'NAME_INVALID' });
    expect((await app.request('/v2/team/a/manifests/v1')).status).toBe(200);
  });

  it('should emit a rename event', async () => {
    const events: unknown[] = [];
    const registry = createRegistry({ storage: new MemoryStorage(), hooks: { onRename: (e) => void events.push(e) } });
    await pushImage(registry.app, 'team/a', 'v1');
    await registry.management.renameRepository('team/a', 'team/z');
    expect(events).toMatchObject([{ repository: 'team/a', to: 'team/z' }]);
  });
});
