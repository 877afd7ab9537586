/**
 * The standalone server (the built `wharf serve`) with `WHARF_STORAGE=s3://…` on the real S3
 * server: a blob and an image pushed and pulled over HTTP, the bytes checked, and the layout
 * found in the bucket under the prefix.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '@wharf/storage-s3';
import { endpointOptions, s3Env, TEST_BUCKET } from '../../packages/storage-s3/src/test-support.js';
import { useS3ServerEnv } from './server-env.js';
import { logOnFailureAndStop, startRegistry, target, targetMissing, wharfCli, type Registry } from '../e2e/server.js';

const env = s3Env();
const missing = target() === 'wharf' ? targetMissing() : 'WHARF_E2E_TARGET is not wharf';
if (env && missing) console.warn(`skipping the standalone server on S3: ${missing}`);
const digestOf = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe.skipIf(!env || missing)('standalone server on S3 (WHARF_STORAGE=s3://…)', () => {
  const prefix = `e2e/${randomUUID()}`;
  let registry: Registry | undefined;
  let bucket: S3Storage;
  let restoreEnv = () => {};
  logOnFailureAndStop(() => registry);

  beforeAll(async () => {
    // the child inherits this worker's environment: the SDK's standard variables, nothing else
    restoreEnv = useS3ServerEnv(env!, prefix);
    registry = await startRegistry({ auth: 'none' });
    bucket = new S3Storage({ bucket: TEST_BUCKET, prefix, ...endpointOptions(env!) });
  });
  afterAll(async () => {
    await registry?.stop();
    registry = undefined;
    restoreEnv();
    if (bucket) {
      for (const dir of await bucket.list('/')) await bucket.delete(dir);
      bucket.destroy();
    }
  });

  async function pushBlob(name: string, bytes: Uint8Array<ArrayBuffer>, chunk: number): Promise<string> {
    const digest = digestOf(bytes);
    const start = await fetch(`${registry!.url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    let location = new URL(start.headers.get('location')!, registry!.url).href;
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.slice(at, at + chunk);
      const res = await fetch(location, {
        method: 'PATCH',
        body: part,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${at}-${at + part.length - 1}` },
      });
      expect(res.status, await res.clone().text()).toBe(202);
      location = new URL(res.headers.get('location')!, registry!.url).href;
    }
    const done = await fetch(`${location}${location.includes('?') ? '&' : '?'}digest=${digest}`, { method: 'PUT' });
    expect(done.status, await done.clone().text()).toBe(201);
    return digest;
  }

  it('should push an image in chunks and pull it back byte for byte', async () => {
    const layer = new Uint8Array(19 * 1024 * 1024 + 77).map((_, i) => (i * 31 + (i >> 10)) & 0xff);
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    // chunks of 6 MiB: every PATCH resumes the upload from the state kept in the bucket
    const layerDigest = await pushBlob('team/app', layer, 6 * 1024 * 1024);
    const configDigest = await pushBlob('team/app', config, 1 << 20);
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      }),
    );
    const put = await fetch(`${registry!.url}/v2/team/app/manifests/v1`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status, await put.clone().text()).toBe(201);

    const got = await fetch(`${registry!.url}/v2/team/app/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(got.status).toBe(200);
    expect(got.headers.get('docker-content-digest')).toBe(digestOf(manifest));
    const head = await fetch(`${registry!.url}/v2/team/app/blobs/${layerDigest}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(layer.length));
    const blob = new Uint8Array(await (await fetch(`${registry!.url}/v2/team/app/blobs/${layerDigest}`)).arrayBuffer());
    expect(digestOf(blob)).toBe(layerDigest);
    const ranged = await fetch(`${registry!.url}/v2/team/app/blobs/${layerDigest}`, { headers: { range: 'bytes=10000000-10000009' } });
    expect(ranged.status).toBe(206);
    expect([...new Uint8Array(await ranged.arrayBuffer())]).toEqual([...layer.subarray(10_000_000, 10_000_010)]);
    const tags = await (await fetch(`${registry!.url}/v2/team/app/tags/list`)).json();
    expect(tags).toEqual({ name: 'team/app', tags: ['v1'] });

    // the content is in the bucket under the prefix, and no unfinished upload is left
    expect((await bucket.list('/wharf/v1')).sort()).toEqual(expect.arrayContaining(['/wharf/v1/blobs', '/wharf/v1/repositories']));
    expect((await bucket.stat(`/wharf/v1/blobs/sha256/${layerDigest.slice(7, 9)}/${layerDigest.slice(7)}`)).size).toBe(layer.length);
    const uploads = await bucket.list('/wharf/v1/repositories/team/app/_uploads').catch(() => []);
    expect(uploads).toEqual([]);
  });

  it('should answer blob GETs with a 307 to a presigned S3 URL when WHARF_S3_REDIRECT is set', async () => {
    process.env.WHARF_S3_REDIRECT = '5m';
    const redirecting = await startRegistry({ auth: 'none' }).finally(() => {
      delete process.env.WHARF_S3_REDIRECT;
    });
    try {
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
      const digest = digestOf(bytes);
      const up = await fetch(`${redirecting.url}/v2/team/direct/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
      expect(up.status, await up.clone().text()).toBe(201);
      const res = await fetch(`${redirecting.url}/v2/team/direct/blobs/${digest}`, { redirect: 'manual' });
      expect(res.status).toBe(307);
      const location = new URL(res.headers.get('location') as string);
      expect(location.origin).toBe(new URL(env!.WHARF_S3_ENDPOINT ?? (env!.AWS_ENDPOINT_URL_S3 as string)).origin);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      const direct = await fetch(location);
      expect(direct.status).toBe(200);
      expect(digestOf(new Uint8Array(await direct.arrayBuffer()))).toBe(digest);
      // a blob the repository does not have is still refused by the registry, not redirected
      expect((await fetch(`${redirecting.url}/v2/team/other/blobs/${digest}`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await redirecting.stop();
    }
  });

  it('should collect garbage in the bucket with `wharf gc` and WHARF_STORAGE', async () => {
    const orphan = new Uint8Array(4096).map((_, i) => (i * 13) & 0xff);
    const digest = await pushBlob('team/app', orphan, 4096);
    const path = `/wharf/v1/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`;
    const blob = await bucket.stat(path);
    expect(blob.size).toBe(4096);
    // the blob is linked into team/app, whose only manifest does not reference it; S3 keeps
    // times to the second, so let a second pass before a collection with no grace period
    await new Promise((r) => setTimeout(r, 1100));
    const gc = spawnSync(process.execPath, [wharfCli, 'gc', '--grace', '0s', '--json'], { env: process.env, encoding: 'utf8', timeout: 60_000 });
    expect(gc.status, `${gc.stdout}\n${gc.stderr}`).toBe(0);
    expect(gc.stdout).toMatch(new RegExp(`collecting s3://${TEST_BUCKET}/${prefix}`));
    await expect(bucket.stat(path)).rejects.toThrow(/not found/);
    // what the image of the first test uses is kept
    expect((await fetch(`${registry!.url}/v2/team/app/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(200);
  });
});
