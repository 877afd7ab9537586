/**
 * A world for the API's tests: an access store in a temporary directory (cheap password hashes),
 * a registry on memory storage, the API mounted at `/api/v4` beside the registry's `/v2`, and a
 * few users, groups and projects. `call` sends a request with a token, JSON body or form.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessStore } from '@wharf/access';
import { closeTestStores, openTestStoreOn, testBackend } from '@wharf/access/testing';
import { createRegistry, MemoryStorage, type Registry, type RegistryOptions } from '@wharf/core';
import { Hono } from 'hono';
import { afterEach, inject } from 'vitest';
import { createGitLabApi } from './gitlab-api.js';

export const PASSWORD = 'password-123';
export const ORIGIN = 'http://registry.test';

// The store is the metadata database's: SQLite, or PostgreSQL in the postgres project (see @wharf/access/testing).
const { backend } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');
const dirs: string[] = [];
afterEach(async () => {
  await closeTestStores();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export interface World {
  readonly store: AccessStore;
  readonly registry: Registry;
  readonly app: Hono;
  /** Personal access tokens with the `api` scope, by username. */
  readonly tokens: Readonly<Record<string, string>>;
  call(path: string, init?: { method?: string; token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string> }): Promise<Response>;
}

/**
 * Users `root` (admin), `olga` (owner of group `team`), `mara` (maintainer of `team/app`),
 * `dev` (developer of `team/app`), `rita` (reporter of `team`), `eve` (no role); groups `team`
 * (public), `team/sub`, `other`; projects `team/app` (private, id 1), `team/web` (public),
 * `team/sub/svc`, `other/lib`. `options` go to the registry (a clock, tag protection).
 */
export async function world(options: Pick<RegistryOptions, 'now' | 'tagProtection'> = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-api-'));
  dirs.push(dir);
  const store = await openTestStoreOn(dir, { passwordCost: 10 }, backend);
  for (const username of ['root', 'olga', 'mara', 'dev', 'rita', 'eve']) await store.createUser({ username, password: PASSWORD, admin: username === 'root' });
  await store.createGroup({ path: 'team', visibility: 'public' });
  await store.createGroup({ path: 'team/sub' });
  await store.createGroup({ path: 'other' });
  await store.createProject({ path: 'team/app' });
  await store.createProject({ path: 'team/web', visibility: 'public' });
  await store.createProject({ path: 'team/sub/svc' });
  await store.createProject({ path: 'other/lib' });
  await store.addMember({ group: 'team', user: 'olga', role: 'owner' });
  await store.addMember({ group: 'team', user: 'rita', role: 'reporter' });
  await store.addMember({ project: 'team/app', user: 'mara', role: 'maintainer' });
  await store.addMember({ project: 'team/app', user: 'dev', role: 'developer' });
  const tokens: Record<string, string> = {};
  for (const username of ['root', 'olga', 'mara', 'dev', 'rita', 'eve']) {
    tokens[username] = (await store.createPersonalAccessToken({ user: username, name: 'api', scopes: ['api'] })).secret;
  }
  const registry = createRegistry({ storage: new MemoryStorage(), ...options });
  const app = new Hono();
  app.route('/api/v4', createGitLabApi({ store, management: registry.management, throttle: false }));
  app.route('/', registry.app);
  const call: World['call'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token !== undefined) headers['PRIVATE-TOKEN'] = init.token;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    return app.request(`${ORIGIN}/api/v4${path}`, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  };
  return { store, registry, app, tokens, call };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digestOf = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * Push a small image (a config and one random layer) to `name:reference` straight into the
 * world's registry (no authentication on it). @returns the manifest's digest
 */
export async function pushImage(w: Pick<World, 'registry'>, name: string, reference: string): Promise<string> {
  const blob = async (content: Uint8Array<ArrayBuffer>) => {
    const digest = digestOf(content);
    const r = await w.registry.app.request(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content });
    if (r.status !== 201) throw new Error(`push blob: ${r.status} ${await r.text()}`);
    return { digest, size: content.byteLength };
  };
  const config = await blob(new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })));
  const layer = await blob(new Uint8Array(randomBytes(64)));
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  });
  const r = await w.registry.app.request(`/v2/${name}/manifests/${reference}`, { method: 'PUT', body, headers: { 'Content-Type': OCI_MANIFEST } });
  if (r.status !== 201) throw new Error(`push manifest: ${r.status} ${await r.text()}`);
  return digestOf(body);
}

/** The tags of `name` as `/v2` lists them, or `null` when the repository is unknown. */
export async function v2Tags(w: Pick<World, 'registry'>, name: string): Promise<string[] | null> {
  const r = await w.registry.app.request(`/v2/${name}/tags/list`);
  if (r.status === 404) return null;
  return ((await r.json()) as { tags: string[] }).tags;
}
