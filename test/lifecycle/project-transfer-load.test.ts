/**
 * A project transfer under load: while clients pull a project's images (and another client pushes
 * elsewhere), the project moves to another group through GitLab's API
 * (`PUT /api/v4/projects/:id/transfer`). As soon as the call answers, every tag of every one of
 * its repositories pulls by the new path with identical digests, nothing is left under the old
 * path, and no request ever got a 5xx.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessStore } from '@wharf/access';
import { createGitLabApi } from '@wharf/api';
import { createRegistry } from '@wharf/core';
import { FsStorage } from '@wharf/storage-fs';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { Hono } from 'hono';
import { LoadClient, type PushedImage } from './load-client.js';

const TAGS = 12;
const PULLERS = 6;
const REPOSITORIES = ['team/app', 'team/app/api', 'team/app/web/frontend'];

describe('project transfer under load', () => {
  let dir: string;
  let server: NodeRegistryServer;
  let base = '';
  let token = '';
  const client = new LoadClient(() => base);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-transfer-load-'));
    const store = await AccessStore.open(join(dir, 'access'), { passwordCost: 10 });
    await store.createUser({ username: 'root', password: 'root-password-0123', admin: true });
    await store.createGroup({ path: 'team' });
    await store.createGroup({ path: 'platform' });
    await store.createProject({ path: 'team/app' });
    token = (await store.createPersonalAccessToken({ user: 'root', name: 'api', scopes: ['api'] })).secret;
    // The registry is open (no authorizer): the load is about storage, not tokens.
    const registry = createRegistry({ storage: new FsStorage({ root: join(dir, 'registry') }) });
    const app = new Hono();
    app.route('/api/v4', createGitLabApi({ store, management: registry.management, throttle: false }));
    app.route('/', registry.app);
    server = await serve(app, { port: 0 });
    base = server.url;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should serve every tag of every repository by the new path as soon as the transfer answers', async () => {
    const images = new Map<string, PushedImage>();
    for (const repository of REPOSITORIES) {
      for (let i = 0; i < TAGS; i++) images.set(`${repository}:v${i}`, await client.pushImage(repository, `v${i}`));
    }
    const moved = (name: string) => name.replace(/^team\//, 'platform/');

    let transferred = false;
    let stop = false;
    let pulls = 0;
    const pullers = Array.from({ length: PULLERS }, async (_, w) => {
      for (let i = w; !stop; i++) {
        const key = [...images.keys()][i % images.size] as string;
        const [repository, tag] = key.split(':') as [string, string];
        const name = transferred ? moved(repository) : repository;
        const ok = await client.pull(name, tag, images.get(key) as PushedImage);
        // A miss is only allowed on the old path while the transfer runs.
        if (!ok) expect(name.startsWith('team/')).toBe(true);
        pulls++;
      }
    });
    let pushes = 0;
    const pusher = (async () => {
      while (!stop) await client.pushImage('platform/elsewhere', `p${pushes++}`);
    })();

    await new Promise((r) => setTimeout(r, 300));
    const response = await fetch(`${base}/api/v4/projects/team%2Fapp/transfer`, {
      method: 'PUT',
      headers: { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'platform' }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ path_with_namespace: 'platform/app' });
    transferred = true;
    for (const [key, image] of images) {
      const [repository, tag] = key.split(':') as [string, string];
      expect(await client.pull(moved(repository), tag, image), key).toBe(true);
      expect((await client.request(`/v2/${repository}/manifests/${tag}`)).status).toBe(404);
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all([...pullers, pusher]);
    expect(pulls).toBeGreaterThan(images.size);
    expect(pushes).toBeGreaterThan(0);
    expect(client.fiveHundreds).toEqual([]);
  });
});
