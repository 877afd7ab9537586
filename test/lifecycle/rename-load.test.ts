/**
 * Rename under load: while clients pull (and others push elsewhere), a repository with images is
 * renamed. As soon as the rename returns, every tag pulls by the new name with identical
 * digests, the old name is gone, and no request ever got a 5xx.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const TAGS = 20;
const PULLERS = 6;

describe('rename under load', () => {
  let dir: string;
  let registry: Registry;
  let server: NodeRegistryServer;
  let base: string;
  const fiveHundreds: string[] = [];

  const request = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}${path}`, init);
    if (res.status >= 500) fiveHundreds.push(`${init?.method ?? 'GET'} ${path}: ${res.status}`);
    return res;
  };

  async function pushImage(repo: string, tag: string): Promise<{ digest: string; blobs: string[] }> {
    const layer = new Uint8Array(randomBytes(32 * 1024));
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag }));
    for (const b of [layer, config]) {
      const res = await request(`/v2/${repo}/blobs/uploads/?digest=${sha256(b)}`, { method: 'POST', body: b });
      expect(res.status).toBe(201);
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    });
    const res = await request(`/v2/${repo}/manifests/${tag}`, { method: 'PUT', body, headers: { 'Content-Type': OCI } });
    expect(res.status).toBe(201);
    return { digest: sha256(new TextEncoder().encode(body)), blobs: [sha256(layer), sha256(config)] };
  }

  /** Pull a tag: manifest and every blob, checking digests; returns false on 404 (not there). */
  async function pull(repo: string, tag: string, expected: { digest: string; blobs: string[] }): Promise<boolean> {
    const res = await request(`/v2/${repo}/manifests/${tag}`, { headers: { Accept: OCI } });
    if (res.status === 404) return false;
    expect(res.status).toBe(200);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(expected.digest);
    for (const blob of expected.blobs) {
      const b = await request(`/v2/${repo}/blobs/${blob}`);
      if (b.status === 404) return false;
      expect(sha256(new Uint8Array(await b.arrayBuffer()))).toBe(blob);
    }
    return true;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-rename-load-'));
    registry = createRegistry({ storage: new FsStorage({ root: dir }) });
    server = await serve(registry.app, { port: 0 });
    base = server.url;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should serve every tag by the new name as soon as the rename returns, and none by the old', async () => {
    const images = new Map<string, { digest: string; blobs: string[] }>();
    for (let i = 0; i < TAGS; i++) images.set(`v${i}`, await pushImage('team/app', `v${i}`));

    let current = 'team/app';
    let stop = false;
    let pulls = 0;
    const pullers = Array.from({ length: PULLERS }, async (_, w) => {
      for (let i = w; !stop; i++) {
        const tag = `v${i % TAGS}`;
        const name = current;
        const ok = await pull(name, tag, images.get(tag) as { digest: string; blobs: string[] });
        // A miss is only allowed on the old name while the rename runs.
        if (!ok) expect(name).toBe('team/app');
        pulls++;
      }
    });
    let pushes = 0;
    const pusher = (async () => {
      while (!stop) {
        await pushImage('team/other', `p${pushes++}`);
      }
    })();

    await new Promise((r) => setTimeout(r, 300));
    const result = await registry.management.renameRepository('team/app', 'team/renamed');
    expect(result.files).toBeGreaterThan(0);
    // At once: every tag by the new name, digest-identical.
    for (const [tag, image] of images) expect(await pull('team/renamed', tag, image)).toBe(true);
    current = 'team/renamed';
    for (const tag of images.keys()) expect((await request(`/v2/team/app/manifests/${tag}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all([...pullers, pusher]);
    expect(pulls).toBeGreaterThan(TAGS);
    expect(pushes).toBeGreaterThan(0);
    expect(fiveHundreds).toEqual([]);
  });
});
