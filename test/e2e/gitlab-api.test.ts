/**
 * GitLab's REST API as GitLab users drive it, against the standalone server: the user guide's
 * `curl` for the cleanup policy, run verbatim (only the host and the token substituted), and
 * `@gitbeaker/rest` — the JavaScript client most GitLab automation uses — listing projects and
 * repositories, listing and deleting tags, bulk deleting with the guide's regexes, setting the
 * cleanup policy, creating a personal access token and protecting a tag pattern — and Debian's
 * python-gitlab (python3-gitlab) reading and deleting tags. Every result is checked through
 * `/v2` with skopeo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageLayout, prerequisites, run, skopeo } from './clients.js';
import { OciLayout } from './oci.js';
import { logOnFailureAndStop, repoRoot, startRegistry, type Registry } from './server.js';

const pre = prerequisites('gitlab-api.test.ts', ['skopeo']);
const ADMIN_PASSWORD = 'admin-api-password-0123456789';
const GUIDE = `${repoRoot}../shared/reference/gitlab-container-registry-user-guide.txt`;
/** The guide's command (kept here too: CI has no ../shared), checked against the guide when it is at hand. */
const GUIDE_CURL =
  `curl --request PUT --header 'Content-Type: application/json;charset=UTF-8' --header "PRIVATE-TOKEN: <your_access_token>" --data-binary '{"container_expiration_policy_attributes":{"cadence":"1month","enabled":true,"keep_n":1,"older_than":"14d","name_regex":"","name_regex_delete":".*","name_regex_keep":".*-master"}}' 'https://gitlab.example.com/api/v4/projects/2'`;

type Json = Record<string, unknown>;

/** Debian's python3-gitlab (python-gitlab 3.x), run with the system Python. */
const PYTHON = '/usr/bin/python3';
const pythonGitlab = spawnSync(PYTHON, ['-c', 'import gitlab'], { stdio: 'ignore' }).status === 0;
const pythonClient = fileURLToPath(new URL('./python-gitlab-client.py', import.meta.url));

describe.skipIf(pre.skip)("GitLab's REST API with GitLab's own tools", () => {
  let reg: Registry | undefined;
  let adminToken = '';
  let mariaToken = '';
  let mariaId = 0;

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };

  /** A call of `/api/v4` as the administrator (Basic, as Wharf's own tools do). */
  async function admin(method: string, path: string, body?: Json): Promise<Json> {
    const r = await fetch(`${registry().url}/api/v4${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }

  const image = (name: string) => `docker://${registry().host}/${name}`;
  async function push(name: string, tag: string): Promise<void> {
    await skopeo('copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `admin:${ADMIN_PASSWORD}`, `oci:${new OciLayout(imageLayout()).dir}:amd64`, `${image(name)}:${tag}`);
  }
  async function tags(name: string): Promise<string[]> {
    const r = await run('skopeo', ['list-tags', '--tls-verify=false', '--creds', `admin:${ADMIN_PASSWORD}`, image(name)], { allowFailure: true });
    return r.code === 0 ? (JSON.parse(r.stdout) as { Tags: string[] }).Tags.sort() : [];
  }
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not met within 10 s');
  }

  beforeAll(async () => {
    pre.assert();
    reg = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
    const me = await admin('GET', '/user');
    adminToken = String((await admin('POST', `/users/${me.id}/personal_access_tokens`, { name: 'automation', scopes: ['api'] })).token);
    const group = await admin('POST', '/groups', { name: 'org', path: 'org', visibility: 'private' });
    await admin('POST', '/projects', { path: 'first', namespace_id: group.id });
    const sample = await admin('POST', '/projects', { path: 'sample_project', namespace_id: group.id });
    expect(sample.id).toBe(2); // the guide's project id
    const maria = await admin('POST', '/users', { username: 'maria', name: 'Maria', email: 'maria@example.com', password: 'maria-password-0123' });
    mariaId = Number(maria.id);
    await admin('POST', '/projects/2/members', { user_id: mariaId, access_level: 40 });
    mariaToken = String((await admin('POST', `/users/${mariaId}/personal_access_tokens`, { name: 'laptop', scopes: ['api'] })).token);
    for (const tag of ['v1.0', 'feature-a', 'feature-b', 'release-master', 'latest']) await push('org/sample_project/cr', tag);
  });

  logOnFailureAndStop(() => reg);
  afterAll(() => undefined);

  it("should save the cleanup policy with the guide's curl command, verbatim", async () => {
    const guide = (() => {
      try {
        return readFileSync(GUIDE, 'utf8');
      } catch {
        return null;
      }
    })();
    if (guide !== null) expect(guide).toContain(GUIDE_CURL);
    const command = GUIDE_CURL.replace('https://gitlab.example.com', registry().url).replace('<your_access_token>', mariaToken);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('bash', ['-c', `${command} --silent --show-error --fail-with-body`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => resolve({ code: c, stdout: out }));
    });
    expect(code, stdout).toBe(0);
    const project = JSON.parse(stdout) as Json;
    expect(project).toMatchObject({
      id: 2,
      path_with_namespace: 'org/sample_project',
      container_expiration_policy: { cadence: '1month', enabled: true, keep_n: 1, older_than: '14d', name_regex_keep: '.*-master' },
    });
    const again = await admin('GET', '/projects/2');
    expect(again.container_expiration_policy).toMatchObject({ cadence: '1month', enabled: true, keep_n: 1 });
  });

  it('should list projects and repositories and manage tags through gitbeaker, as /v2 then shows', async () => {
    const api = new Gitlab({ host: registry().url, token: mariaToken });
    const projects = await api.Projects.all({ membership: true });
    expect(projects.map((p) => p.path_with_namespace)).toEqual(['org/sample_project']);

    const repositories = await api.ContainerRegistry.allRepositories({ projectId: 2, tagsCount: true });
    expect(repositories).toHaveLength(1);
    const repository = repositories[0] as unknown as { id: number; path: string; location: string; tags_count: number };
    expect(repository).toMatchObject({ path: 'org/sample_project/cr', location: `${registry().host}/org/sample_project/cr`, tags_count: 5 });

    const listed = await api.ContainerRegistry.allTags(2, repository.id);
    expect(listed.map((t) => t.name).sort()).toEqual(['feature-a', 'feature-b', 'latest', 'release-master', 'v1.0']);
    const one = await api.ContainerRegistry.showTag(2, repository.id, 'v1.0');
    expect(one).toMatchObject({ name: 'v1.0', path: 'org/sample_project/cr:v1.0' });

    await api.ContainerRegistry.removeTag(2, repository.id, 'feature-a');
    expect(await tags('org/sample_project/cr')).toEqual(['feature-b', 'latest', 'release-master', 'v1.0']);

    // The guide's regexes: every tag, but keep *-master; latest is never deleted.
    await api.ContainerRegistry.removeTags(2, repository.id, '.*', { nameRegexKeep: '.*-master' });
    await eventually(async () => (await tags('org/sample_project/cr')).join() === ['latest', 'release-master'].join());

    const shown = await api.ContainerRegistry.showRepository(repository.id, { tagsCount: true });
    expect(shown).toMatchObject({ id: repository.id, tags_count: 2 });
  });

  it('should set the cleanup policy, create a token and protect a tag pattern through gitbeaker', async () => {
    const api = new Gitlab({ host: registry().url, token: adminToken });
    const edited = (await api.Projects.edit(2, {
      containerExpirationPolicyAttributes: { cadence: '7d', enabled: true, keepN: 5, olderThan: '30d', nameRegexDelete: 'feature-.*' },
    } as never)) as unknown as { container_expiration_policy: Json };
    expect(edited.container_expiration_policy).toMatchObject({ cadence: '7d', keep_n: 5, older_than: '30d', name_regex: 'feature-.*' });

    const created = (await api.PersonalAccessTokens.create(mariaId, 'pull-only', ['read_registry'])) as unknown as { token: string; scopes: string[] };
    expect(created.scopes).toEqual(['read_registry']);
    const pulled = await run('skopeo', ['list-tags', '--tls-verify=false', '--creds', `maria:${created.token}`, image('org/sample_project/cr')], { allowFailure: true });
    expect(pulled.code, pulled.stderr).toBe(0);

    // gitbeaker has no service for tag protection rules yet: its requester sends the documented call.
    const rule = await api.requester.post('projects/2/registry/protection/tag/rules', {
      body: { tagNamePattern: 'release-.*', minimumAccessLevelForPush: 'owner', minimumAccessLevelForDelete: 'owner' },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ tag_name_pattern: 'release-.*', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' });
    const maria = new Gitlab({ host: registry().url, token: mariaToken });
    const repository = (await maria.ContainerRegistry.allRepositories({ projectId: 2 }))[0] as unknown as { id: number };
    await expect(maria.ContainerRegistry.removeTag(2, repository.id, 'release-master')).rejects.toThrow(/Forbidden|403|protected/i);
    expect(await tags('org/sample_project/cr')).toContain('release-master');
  });

  it('should be driven by python-gitlab too: the user, a project by path, its repository, tags read, deleted one by one and in bulk', async () => {
    if (!pythonGitlab && process.env.WHARF_SKIP_E2E !== '1') throw new Error('python-gitlab is missing: apt-get install python3-gitlab (.ci/run does)');
    if (!pythonGitlab) return;
    for (const tag of ['a', 'b', 'c1', 'c2', 'latest']) await push('org/first/py', tag);
    const run = spawnSync(PYTHON, [pythonClient, registry().url, adminToken, 'org/first'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout) as { user: string; project: string; repositories: string[]; before: string[]; tag: { name: string; digest: string; total_size: number } };
    expect(seen).toMatchObject({ user: 'admin', project: 'org/first', repositories: ['org/first/py'], before: ['a', 'b', 'c1', 'c2', 'latest'] });
    expect(seen.tag.name).toBe('b');
    expect(seen.tag.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(seen.tag.total_size).toBeGreaterThan(0);
    await eventually(async () => (await tags('org/first/py')).join() === ['b', 'latest'].join());
  });
});
