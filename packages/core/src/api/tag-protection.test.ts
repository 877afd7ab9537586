import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { protectedRegistry } from '../test-support/tag-protection-fakes.js';

const json = { 'Content-Type': MEDIA_TYPES.ociManifest };

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { errors: Array<{ code: string; message: string }> };
  return body.errors[0] ?? { code: '', message: '' };
}

describe('tag protection on /v2', () => {
  it('should let an immutable tag be created and pushed again with its digest, but refuse moving it, saying why', async () => {
    const { registry, protection } = protectedRegistry();
    const { app } = registry;
    const first = await pushImage(app, 'team/app', 'v1');
    const again = await app.request('/v2/team/app/manifests/v1', { method: 'PUT', body: first.body, headers: json });
    expect(again.status).toBe(201);

    const other = await pushImage(app, 'team/app', 'dev');
    const moved = await app.request('/v2/team/app/manifests/v1', { method: 'PUT', body: other.body, headers: json });
    expect(moved.status).toBe(403);
    expect(await errorOf(moved)).toEqual({ code: 'DENIED', message: 'tag "v1" is immutable' });
    const head = await app.request('/v2/team/app/manifests/v1', { method: 'HEAD' });
    expect(head.headers.get('docker-content-digest')).toBe(first.digest);

    expect(protection.changes.map((c) => [c.action, c.origin, c.tags])).toEqual([
      ['push', 'tag', [{ tag: 'v1', currentDigest: null, newDigest: first.digest, overwrite: false }]],
      ['push', 'tag', [{ tag: 'v1', currentDigest: first.digest, newDigest: first.digest, overwrite: false }]],
      ['push', 'tag', [{ tag: 'dev', currentDigest: null, newDigest: other.digest, overwrite: false }]],
      ['push', 'tag', [{ tag: 'v1', currentDigest: first.digest, newDigest: other.digest, overwrite: true }]],
    ]);
  });

  it('should store nothing of a refused push, and accept it from a caller the policy allows', async () => {
    const { registry, protection } = protectedRegistry();
    const { app } = registry;
    await expect(pushImage(app, 'team/app', 'rel-1')).rejects.toThrow(/403.*rel-1.* is protected: pushing it needs the boss/);
    const body = await (await app.request('/v2/team/app/tags/list')).json();
    expect(body).toMatchObject({ tags: [] });
    const refused = protection.changes.at(-1);
    const digest = refused?.tags[0]?.newDigest ?? '';
    expect((await app.request(`/v2/team/app/manifests/${digest}`)).status).toBe(404);

    const ok = await pushImage(app, 'team/app', 'dev');
    const put = await app.request('/v2/team/app/manifests/rel-1', { method: 'PUT', body: ok.body, headers: { ...json, 'X-Principal': 'boss' } });
    expect(put.status).toBe(201);
    expect(protection.changes.at(-1)?.principal).toEqual({ subject: 'boss' });
  });

  it('should check every tag of a push with ?tag= and write none when one is refused', async () => {
    const { registry } = protectedRegistry();
    const { app } = registry;
    const image = await pushImage(app, 'team/app', 'dev');
    const put = await app.request(`/v2/team/app/manifests/${image.digest}?tag=dev-2&tag=rel-2`, { method: 'PUT', body: image.body, headers: json });
    expect(put.status).toBe(403);
    expect((await errorOf(put)).message).toContain('"rel-2"');
    expect(await registry.api.listTags('team/app')).toEqual({ tags: ['dev'], more: false });
  });

  it('should refuse deleting a protected tag, and a manifest by digest that one points at, naming all its tags', async () => {
    const { registry, protection } = protectedRegistry();
    const { app } = registry;
    const image = await pushImage(app, 'team/app', 'v2');
    await app.request(`/v2/team/app/manifests/${image.digest}?tag=dev`, { method: 'PUT', body: image.body, headers: json });

    const byTag = await app.request('/v2/team/app/manifests/v2', { method: 'DELETE' });
    expect(byTag.status).toBe(403);
    expect((await errorOf(byTag)).message).toBe('tag "v2" is immutable');
    const byDigest = await app.request(`/v2/team/app/manifests/${image.digest}`, { method: 'DELETE' });
    expect(byDigest.status).toBe(403);
    expect(protection.changes.at(-1)).toMatchObject({
      action: 'delete',
      origin: 'manifest',
      tags: [
        { tag: 'dev', currentDigest: image.digest, newDigest: null, overwrite: false },
        { tag: 'v2', currentDigest: image.digest, newDigest: null, overwrite: false },
      ],
    });
    expect((await registry.api.listTags('team/app')).tags).toEqual(['dev', 'v2']);
    expect((await app.request(`/v2/team/app/manifests/${image.digest}`)).status).toBe(200);

    expect((await app.request('/v2/team/app/manifests/dev', { method: 'DELETE' })).status).toBe(202);
  });

  it('should not ask about a manifest deleted by digest when no tag points at it', async () => {
    const { registry, protection } = protectedRegistry();
    const { app } = registry;
    const image = await pushImage(app, 'team/app', 'dev');
    expect((await app.request('/v2/team/app/manifests/dev', { method: 'DELETE' })).status).toBe(202);
    const untagged = await app.request(`/v2/team/app/manifests/${image.digest}`, { method: 'DELETE' });
    expect(untagged.status).toBe(202);
    expect(protection.changes.map((c) => [c.action, c.origin])).toEqual([
      ['push', 'tag'],
      ['delete', 'tag'],
    ]);
  });

  it('should pass the principal of API calls to the policy', async () => {
    const { registry } = protectedRegistry();
    const image = await pushImage(registry.app, 'team/app', 'dev');
    const bytes = new TextEncoder().encode(image.body);
    await expect(registry.api.putManifest('team/app', { tag: 'rel-3' }, bytes, MEDIA_TYPES.ociManifest)).rejects.toMatchObject({ code: 'DENIED' });
    await registry.api.putManifest('team/app', { tag: 'rel-3' }, bytes, MEDIA_TYPES.ociManifest, [], { principal: { subject: 'boss' } });
    await expect(registry.api.deleteManifest('team/app', { tag: 'rel-3' }, { principal: { subject: 'eve' } })).rejects.toMatchObject({ code: 'DENIED' });
    await registry.api.deleteManifest('team/app', { tag: 'rel-3' }, { principal: { subject: 'boss' } });
    expect((await registry.api.listTags('team/app')).tags).toEqual(['dev']);
  });

  it('should change nothing without a policy: tags move and are deleted freely', async () => {
    const { app, api } = createRegistry({ storage: new MemoryStorage() });
    await pushImage(app, 'team/app', 'v1');
    const other = await pushImage(app, 'team/app', 'v1');
    expect((await app.request('/v2/team/app/manifests/v1', { method: 'HEAD' })).headers.get('docker-content-digest')).toBe(other.digest);
    expect((await app.request('/v2/team/app/manifests/v1', { method: 'DELETE' })).status).toBe(202);
    expect((await api.listTags('team/app')).tags).toEqual([]);
  });
});
