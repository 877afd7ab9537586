/**
 * Protected and immutable container tags end to end: rules made through GitLab's REST API
 * (`/api/v4/projects/:id/registry/protection/tag/rules`) and enforced on the standalone
 * server's `/v2` against the docker CLI — an immutable tag cannot be pushed over, a protected
 * tag needs the rule's role — and kept by a cleanup policy run and a bulk delete.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, imageLayout, prerequisites, run, skopeo } from './clients.js';
import { OciLayout } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('protected-tags.test.ts', ['docker', 'skopeo']);
const ADMIN_PASSWORD = 'admin-protect-password-0123456789';
const PASSWORDS = { dana: 'dana-password-0123', mike: 'mike-password-0123' } as const;
type Json = Record<string, unknown>;

describe.skipIf(pre.skip)('protected and immutable tags with docker', () => {
  let reg: Registry | undefined;
  let layout: OciLayout;
  let work: string;
  let projectId = 0;

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };
  const host = () => registry().host;
  const ref = (tag: string) => `${host()}/team/app:${tag}`;

  const authorization = () => `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

  /** A call of `/api/v4` as the administrator, answered as it comes. */
  async function raw(method: string, path: string, body?: Json): Promise<Response> {
    return fetch(`${registry().url}/api/v4${path}`, {
      method,
      headers: { Authorization: authorization(), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** A call of `/api/v4` as the administrator that must succeed; its JSON. */
  async function api(method: string, path: string, body?: Json): Promise<Json> {
    const r = await raw(method, path, body);
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }

  /** The REST id of the `team/app` repository. */
  async function repositoryId(): Promise<number> {
    const list = (await api('GET', `/projects/${projectId}/registry/repositories`)) as unknown as { id: number; path: string }[];
    const found = list.find((r) => r.path === 'team/app');
    if (!found) throw new Error('no team/app repository');
    return found.id;
  }

  /** Puts the layout's image for `arch` into docker as `target`. */
  async function load(arch: 'amd64' | 'arm64', target: string): Promise<void> {
    const archive = join(work, `${arch}-${Date.now()}.tar`);
    await skopeo('copy', '--quiet', `oci:${layout.dir}:${arch}`, `docker-archive:${archive}:${target}`);
    await docker('load', '--input', archive);
    await rm(archive, { force: true });
  }

  /** `docker push` as `user`, not throwing on refusal. */
  async function pushAs(user: keyof typeof PASSWORDS, target: string) {
    const login = await run('docker', ['login', '--username', user, '--password-stdin', host()], { input: PASSWORDS[user] });
    expect(login.code).toBe(0);
    return run('docker', ['push', target], { allowFailure: true });
  }

  /** Put tags straight in with skopeo as the administrator (no docker engine needed). */
  async function seed(...tags: string[]): Promise<void> {
    for (const tag of tags) {
      await skopeo('copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `admin:${ADMIN_PASSWORD}`, `oci:${layout.dir}:amd64`, `docker://${ref(tag)}`);
    }
  }

  async function tags(): Promise<string[]> {
    const r = await run('skopeo', ['list-tags', '--tls-verify=false', '--creds', `admin:${ADMIN_PASSWORD}`, `docker://${host()}/team/app`]);
    return (JSON.parse(r.stdout) as { Tags: string[] }).Tags.sort();
  }

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-protect-'));
    reg = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
    const group = await api('POST', '/groups', { name: 'team', path: 'team', visibility: 'private' });
    projectId = Number((await api('POST', '/projects', { path: 'app', namespace_id: group.id })).id);
    for (const [username, password] of Object.entries(PASSWORDS)) {
      const user = await api('POST', '/users', { username, name: username, email: `${username}@example.com`, password });
      await api('POST', `/projects/${projectId}/members`, { user_id: user.id, access_level: username === 'dana' ? 30 : 40 });
    }
    const rules = `/projects/${projectId}/registry/protection/tag/rules`;
    await api('POST', rules, { tag_name_pattern: '^release-', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer' });
    await api('POST', rules, { tag_name_pattern: '^v[0-9]' });
    await load('amd64', ref('v1'));
    await load('arm64', ref('v1-other'));
    await load('amd64', ref('release-1'));
  });
  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    if (!reg) return;
    await run('docker', ['logout', host()], { allowFailure: true });
    await run('docker', ['rmi', '--force', ref('v1'), ref('v1-other'), ref('release-1')], { allowFailure: true });
    await rm(work, { recursive: true, force: true });
  });

  it('should let a developer create an immutable tag and refuse pushing another image over it', async () => {
    expect((await pushAs('dana', ref('v1'))).code).toBe(0);
    await docker('tag', ref('v1-other'), ref('v1'));
    const over = await pushAs('mike', ref('v1'));
    expect(over.code).not.toBe(0);
    expect(over.stderr + over.stdout).toContain('tag "v1" is immutable in project team/app (rule "^v[0-9]"): it cannot be overwritten or deleted');
    // Not even an administrator may delete it.
    const refused = await raw('DELETE', `/projects/${projectId}/registry/repositories/${await repositoryId()}/tags/v1`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/immutable/);
    expect(await tags()).toContain('v1');
  });

  it('should refuse a developer pushing a protected tag and let a maintainer push it', async () => {
    const refused = await pushAs('dana', ref('release-1'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain('tag "release-1" is protected in project team/app: pushing it needs the maintainer role (rule "^release-")');
    expect(await tags()).not.toContain('release-1');
    expect((await pushAs('mike', ref('release-1'))).code).toBe(0);
    expect(await tags()).toContain('release-1');
  });

  it('should keep protected and immutable tags through a cleanup policy run and a bulk delete', async () => {
    await seed('dev-1', 'dev-2');
    await api('PUT', `/projects/${projectId}`, { container_expiration_policy_attributes: { enabled: true, keep_n: 1, older_than: null, name_regex_delete: '.*' } });
    const result = (await api('POST', `/projects/${projectId}/registry/cleanup_policy/run`)) as {
      status: string;
      deleted: { tag: string }[];
      failed: unknown[];
      plans: { kept: { tag: string; reason: string }[] }[];
    };
    expect(result.status).toBe('finished');
    expect(result.failed).toEqual([]);
    expect(result.deleted.length).toBeGreaterThan(0);
    expect(result.deleted.every((d) => d.tag.startsWith('dev-'))).toBe(true);
    const kept = result.plans.flatMap((p) => p.kept).filter((k) => k.reason === 'protected').map((k) => k.tag).sort();
    expect(kept).toEqual(['release-1', 'v1']);
    expect(await tags()).toEqual(expect.arrayContaining(['release-1', 'v1']));

    await seed('dev-3', 'dev-4');
    const started = await raw('DELETE', `/projects/${projectId}/registry/repositories/${await repositoryId()}/tags?name_regex_delete=.*`);
    expect(started.status).toBe(202);
    for (let i = 0; i < 100 && (await tags()).some((t) => t.startsWith('dev-')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await tags()).toEqual(['release-1', 'v1']);
  });
});
