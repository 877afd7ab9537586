/**
 * Rename under load: while clients pull (and others push elsewhere), a repository with images is
 * renamed. As soon as the rename returns, every tag pulls by the new name with identical
 * digests, the old name is gone, and no request ever got a 5xx.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { LoadClient, type PushedImage } from './load-client.js';

const TAGS = 20;
const PULLERS = 6;

describe('rename under load', () => {
  let dir: string;
  let registry: Registry;
  let server: NodeRegistryServer;
  let base: string;
  const client = new LoadClient(() => base);
  const request = client.request.bind(client);
  const pushImage = client.pushImage.bind(client);
  const pull = client.pull.bind(client);

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
    const images = new Map<string, PushedImage>();
    for (let i = 0; i < TAGS; i++) images.set(`v${i}`, await pushImage('team/app', `v${i}`));

    let current = 'team/app';
    let stop = false;
    let pulls = 0;
    const pullers = Array.from({ length: PULLERS }, async (_, w) => {
      for (let i = w; !stop; i++) {
        const tag = `v${i % TAGS}`;
        const name = current;
        const ok = await pull(name, tag, images.get(tag) as PushedImage);
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
    expect(client.fiveHundreds).toEqual([]);
  });
});
