import { describe, expect, it, vi } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { RegistryError } from '../errors/registry-error.js';
import { bytes, errorCode, pushBlob, pushImage, sha256 } from '../test-support/fixtures.js';

const registry = (options: Partial<Parameters<typeof createRegistry>[0]> = {}) => createRegistry({ storage: new MemoryStorage(), ...options });

describe('distribution routes', () => {
  it('should answer the base endpoint with the API version header', async () => {
    const r = await registry().app.request('/v2/');
    expect(r.status).toBe(200);
    expect(r.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('should answer unknown endpoints and methods with OCI errors', async () => {
    const { app } = registry();
    const r1 = await app.request('/v2/a/nothing/here');
    expect([r1.status, await errorCode(r1)]).toEqual([404, 'NOT_FOUND']);
    const r2 = await app.request('/v2/a/tags/list', { method: 'POST' });
    expect([r2.status, await errorCode(r2)]).toEqual([405, 'METHOD_UNKNOWN']);
  });

  it('should delete a manifest together with its tags', async () => {
    const { app } = registry();
    const { digest } = await pushImage(app, 'a/b', 'one');
    await app.request(`/v2/a/b/manifests/${digest}?tag=two&tag=three`, { method: 'PUT', body: (await (await app.request(`/v2/a/b/manifests/one`)).text()), headers: { 'Content-Type': MEDIA_TYPES.ociManifest } });
    expect((await (await app.request('/v2/a/b/tags/list')).json())).toEqual({ name: 'a/b', tags: ['one', 'three', 'two'] });
    expect((await app.request(`/v2/a/b/manifests/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await (await app.request('/v2/a/b/tags/list')).json())).toEqual({ name: 'a/b', tags: [] });
    expect((await app.request(`/v2/a/b/manifests/one`)).status).toBe(404);
  });

  it('should refuse deletes with 405 UNSUPPORTED when they are turned off', async () => {
    const { app } = registry({ deletes: false });
    const { digest } = await pushImage(app, 'a', 'x');
    const r = await app.request(`/v2/a/manifests/${digest}`, { method: 'DELETE' });
    expect([r.status, await errorCode(r)]).toEqual([405, 'UNSUPPORTED']);
    expect((await app.request(`/v2/a/manifests/x`)).status).toBe(200);
  });

  it('should keep the referrers list current on PUT and DELETE', async () => {
    const { app } = registry();
    const subject = await pushImage(app, 'r', 'base');
    const subjectDescriptor = { mediaType: MEDIA_TYPES.ociManifest, digest: subject.digest, size: subject.body.length };
    const sbom = await pushImage(app, 'r', 'sbom', { artifactType: 'application/vnd.example.sbom', subject: subjectDescriptor, annotations: { k: 'v' } });
    expect(sbom.response.headers.get('oci-subject')).toBe(subject.digest);
    const list = async (q = '') => (await (await app.request(`/v2/r/referrers/${subject.digest}${q}`)).json()) as { manifests: Array<{ digest: string; artifactType?: string; annotations?: object }> };
    expect((await list()).manifests).toEqual([expect.objectContaining({ digest: sbom.digest, artifactType: 'application/vnd.example.sbom', annotations: { k: 'v' } })]);
    expect((await list('?artifactType=application/x-other')).manifests).toEqual([]);
    await app.request(`/v2/r/manifests/${sbom.digest}`, { method: 'DELETE' });
    expect((await list()).manifests).toEqual([]);
  });

  it('should serve a linux/amd64 child to a client that does not accept lists', async () => {
    const { app } = registry();
    const amd = await pushImage(app, 'l', 'amd');
    const index = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: amd.digest, size: amd.body.length, platform: { os: 'linux', architecture: 'amd64' } }] });
    await app.request('/v2/l/manifests/multi', { method: 'PUT', body: index, headers: { 'Content-Type': MEDIA_TYPES.ociIndex } });
    const narrow = await app.request('/v2/l/manifests/multi', { headers: { Accept: MEDIA_TYPES.ociManifest } });
    expect(narrow.headers.get('docker-content-digest')).toBe(amd.digest);
    const wide = await app.request('/v2/l/manifests/multi', { headers: { Accept: `${MEDIA_TYPES.ociManifest}, ${MEDIA_TYPES.ociIndex}` } });
    expect(wide.headers.get('content-type')).toBe(MEDIA_TYPES.ociIndex);
  });

  it('should answer If-None-Match with 304', async () => {
    const { app } = registry();
    const { digest } = await pushImage(app, 'e', 'v1');
    const r = await app.request('/v2/e/manifests/v1', { headers: { 'If-None-Match': `"${digest}"` } });
    expect(r.status).toBe(304);
  });

  it('should keep a chunked upload usable after an out-of-order chunk', async () => {
    const { app } = registry();
    const content = bytes(100);
    const start = await app.request('/v2/u/blobs/uploads/', { method: 'POST' });
    const location = start.headers.get('location') ?? '';
    await app.request(location, { method: 'PATCH', body: content.slice(0, 50), headers: { 'Content-Range': '0-49' } });
    const bad = await app.request(location, { method: 'PATCH', body: content.slice(60), headers: { 'Content-Range': '60-99' } });
    expect([bad.status, bad.headers.get('range'), bad.headers.get('location')]).toEqual([416, '0-49', location]);
    const done = await app.request(`${location}?digest=${sha256(content)}`, { method: 'PUT', body: content.slice(50), headers: { 'Content-Range': '50-99' } });
    expect(done.status).toBe(201);
    expect(new Uint8Array(await (await app.request(`/v2/u/blobs/${sha256(content)}`)).arrayBuffer())).toEqual(content);
  });

  it('should mount from a readable repository and fall back to an upload otherwise', async () => {
    const { app } = registry();
    const { digest } = await pushBlob(app, 'src');
    const mounted = await app.request(`/v2/dst/blobs/uploads/?mount=${digest}&from=src`, { method: 'POST' });
    expect([mounted.status, mounted.headers.get('docker-content-digest')]).toEqual([201, digest]);
    const missing = await app.request(`/v2/dst/blobs/uploads/?mount=${sha256('nope')}&from=src`, { method: 'POST' });
    expect(missing.status).toBe(202);
  });
});

describe('hooks', () => {
  it('should let the authorization hook refuse with its own challenge', async () => {
    const { app } = registry({
      hooks: {
        onAuthorize: () => {
          throw new RegistryError('UNAUTHORIZED', 'log in first', { headers: { 'WWW-Authenticate': 'Bearer realm="x"' } });
        },
      },
    });
    const r = await app.request('/v2/a/tags/list');
    expect([r.status, r.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="x"']);
  });

  it('should answer 403 DENIED when the grant lacks a required action', async () => {
    const { app } = registry({ hooks: { onAuthorize: ({ required }) => ({ granted: required.map((a) => ({ ...a, actions: ['pull'] })) }) } });
    const r = await app.request('/v2/a/blobs/uploads/', { method: 'POST' });
    expect([r.status, await errorCode(r)]).toEqual([403, 'DENIED']);
  });

  it('should start a plain upload when pull on the mount source is not granted', async () => {
    const storage = new MemoryStorage();
    const { digest } = await pushBlob(createRegistry({ storage }).app, 'private');
    const guarded = createRegistry({ storage, hooks: { onAuthorize: ({ required }) => ({ granted: required }) } });
    const r = await guarded.app.request(`/v2/mine/blobs/uploads/?mount=${digest}&from=private`, { method: 'POST' });
    expect(r.status).toBe(202);
  });

  it('should emit push, pull, mount and delete events and survive a throwing listener', async () => {
    const events: string[] = [];
    const onError = vi.fn();
    const { app } = registry({
      hooks: {
        onPush: (e) => void events.push(`push:${e.kind}`),
        onPull: (e) => void events.push(`pull:${e.kind}`),
        onMount: (e) => void events.push(`mount:${e.from}`),
        onDelete: (e) => {
          events.push(`delete:${e.kind}`);
          throw new Error('listener broke');
        },
        onError,
      },
    });
    const { digest } = await pushImage(app, 'ev', 't');
    await app.request('/v2/ev/manifests/t');
    const blob = await pushBlob(app, 'ev');
    await app.request(`/v2/other/blobs/uploads/?mount=${blob.digest}&from=ev`, { method: 'POST' });
    const del = await app.request(`/v2/ev/manifests/${digest}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    expect(events).toEqual(['push:blob', 'push:blob', 'push:manifest', 'pull:manifest', 'push:blob', 'mount:ev', 'delete:manifest']);
    expect(onError).toHaveBeenCalledOnce();
  });
});
