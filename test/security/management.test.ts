/**
 * The standalone server's management API under token auth: listings show only what the caller
 * may pull, deletes need the delete permission (maintainer), over a real socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp, SERVICE } from '@wharf/server';

const ADMIN = 'admin-management-password-0123';
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const enc = encodeURIComponent;

describe('management API of the standalone server', () => {
  let dir: string;
  let server: NodeRegistryServer;
  let base: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Authorization: basic('admin', ADMIN), 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  /** Push a one-layer OCI image as admin through the token flow. */
  const push = async (repo: string, tag: string) => {
    const q = new URLSearchParams({ service: SERVICE, scope: `repository:${repo}:pull,push` });
    const { token } = (await (await fetch(`${base}/auth/token?${q}`, { headers: { Authorization: basic('admin', ADMIN) } })).json()) as { token: string };
    const auth = { Authorization: `Bearer ${token}` };
    const blobs = [new Uint8Array(randomBytes(256)), new TextEncoder().encode('{"architecture":"amd64","os":"linux"}')];
    for (const b of blobs) {
      const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${sha256(b)}`, { method: 'POST', body: b, headers: auth });
      expect(res.status).toBe(201);
    }
    const [layer, config] = blobs as [Uint8Array, Uint8Array];
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    });
    const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { ...auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.status).toBe(201);
  };
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
