/**
 * The standalone server's management API under token auth: listings show only what the caller
 * may pull, deletes need the delete permission (maintainer), over a real socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, basic, pushImage } from './support.js';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp } from '@wharf/server';

const ADMIN = 'admin-management-password-0123';
const enc = encodeURIComponent;

describe('management API of the standalone server', () => {
  let dir: string;
  let server: NodeRegistryServer;
  let base: string;

  const admin = adminApi(() => base, 'admin', ADMIN);
  const push = (repo: string, tag: string) => pushImage(base, basic('admin', ADMIN), repo, [tag], 256);
  const list = async (auth?: string) => {
    const res = await fetch(`${base}/api/v1/registry/repositories`, { headers: auth ? { Authorization: auth } : {} });
    return { status: res.status, names: res.ok ? ((await res.json()) as { repositories: { name: string }[] }).repositories.map((r) => r.name) : [] };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-management-'));
    const { app } = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: ADMIN });
    server = await serve(app, { port: 0 });
    base = server.url;
    await admin('POST', '/users', { username: 'alice', password: 'alice-password-0123' });
    await admin('POST', '/groups', { path: 'team', visibility: 'public' });
    await admin('POST', '/projects', { path: 'team/app', visibility: 'private' });
    await admin('POST', '/projects', { path: 'team/secret', visibility: 'private' });
    await admin('POST', '/projects', { path: 'team/open', visibility: 'public' });
    await admin('POST', `/projects/${enc('team/app')}/members`, { username: 'alice', role: 'developer' });
    for (const repo of ['team/app', 'team/secret', 'team/open']) await push(repo, 'v1');
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should list everything for the admin, members their projects and public ones, anonymous only public ones', async () => {
    expect((await list(basic('admin', ADMIN))).names).toEqual(['team/app', 'team/open', 'team/secret']);
    expect((await list(basic('alice', 'alice-password-0123'))).names).toEqual(['team/app', 'team/open']);
    expect((await list()).names).toEqual(['team/open']);
  });

  it('should refuse wrong credentials with 401 instead of listing as anonymous', async () => {
    expect((await list(basic('alice', 'wrong'))).status).toBe(401);
  });

  it('should let a developer read tags but not delete them, and a maintainer-level admin delete', async () => {
    const alice = { Authorization: basic('alice', 'alice-password-0123') };
    expect((await fetch(`${base}/api/v1/registry/repositories/${enc('team/app')}/tags`, { headers: alice })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/registry/repositories/${enc('team/secret')}/tags`, { headers: alice })).status).toBe(403);
    expect((await fetch(`${base}/api/v1/registry/repositories/${enc('team/app')}/tags/v1`, { method: 'DELETE', headers: alice })).status).toBe(403);
    const res = await fetch(`${base}/api/v1/registry/repositories/${enc('team/app')}/tags/v1`, { method: 'DELETE', headers: { Authorization: basic('admin', ADMIN) } });
    expect(res.status).toBe(204);
  });
});
