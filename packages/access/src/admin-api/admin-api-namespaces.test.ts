import { describe, expect, it } from 'vitest';
import { createAccessHooks } from '../auth/access-hooks.js';
import { openTestStore, PASSWORD, seedWorld, tempDirs } from '../test-support.js';
import { createAdminApi } from './admin-api.js';
import { client } from './test-client.js';

const tempDir = tempDirs();

async function setup() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const app = createAdminApi(store);
  return { store, app, root: client(app, 'root', PASSWORD), dev: client(app, 'dev', PASSWORD) };
}

describe('admin API: groups and projects', () => {
  it('should create groups and projects by full path or by parent id', async () => {
    const { root } = await setup();
    const group = await root('POST', '/groups', { path: 'acme', visibility: 'internal' });
    expect(group).toMatchObject({ status: 201, body: { path: 'acme', full_path: 'acme', parent_id: null, visibility: 'internal' } });
    const groupId = (group.body as { id: string }).id;
    expect(await root('POST', '/groups', { path: 'infra', parent_id: groupId })).toMatchObject({
      status: 201,
      body: { full_path: 'acme/infra', parent_id: groupId },
    });
    expect(await root('POST', '/projects', { path: 'api', namespace_id: groupId })).toMatchObject({
      status: 201,
      body: { path: 'api', path_with_namespace: 'acme/api', namespace_id: groupId, visibility: 'private' },
    });
    expect(await root('POST', '/projects', { path: 'acme/infra/tool' })).toMatchObject({ status: 201 });
    expect((await root('GET', '/projects')).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ path_with_namespace: 'acme/infra/tool' })]),
    );
    expect((await root('GET', '/groups')).body).toEqual(expect.arrayContaining([expect.objectContaining({ full_path: 'acme/infra' })]));
  });

  it('should accept URL-encoded full paths as ids', async () => {
    const { root } = await setup();
    expect(await root('GET', '/projects/team%2Fapp')).toMatchObject({ status: 200, body: { path_with_namespace: 'team/app' } });
    expect(await root('PATCH', '/projects/team%2Fapp', { visibility: 'internal' })).toMatchObject({
      status: 200,
      body: { visibility: 'internal' },
    });
    expect(await root('GET', '/groups/team%2Fsub')).toMatchObject({ status: 200, body: { full_path: 'team/sub' } });
  });

  it('should answer 400, 404 and 409 for bad, unknown and conflicting namespaces', async () => {
    const { root } = await setup();
    expect(await root('POST', '/projects', { path: 'nope/app' })).toMatchObject({
      status: 404,
      body: { message: expect.stringMatching(/"nope" does not exist/) },
    });
    expect(await root('POST', '/projects', { path: 'team/App' })).toMatchObject({ status: 400 });
    expect(await root('POST', '/projects', { path: 'team/app' })).toMatchObject({ status: 409 });
    expect(await root('PATCH', '/projects/other%2Flib', { visibility: 'public' })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/"other" is private/) },
    });
    expect(await root('PATCH', '/projects/team%2Fapp', { visibility: 'secret' })).toMatchObject({ status: 400 });
    expect(await root('GET', '/projects/nope%2Fnope')).toMatchObject({ status: 404 });
    expect(await root('DELETE', '/groups/team')).toMatchObject({ status: 409 });
  });

  it('should answer 403 to non-admins', async () => {
    const { dev } = await setup();
    expect((await dev('POST', '/groups', { path: 'mine' })).status).toBe(403);
    expect((await dev('GET', '/projects')).status).toBe(403);
    expect((await dev('PATCH', '/projects/team%2Fapp', { visibility: 'public' })).status).toBe(403);
  });
});

describe('admin API: members', () => {
  it('should add, change, list and remove members by role or GitLab access level', async () => {
    const { root, store } = await setup();
    const added = await root('POST', '/projects/team%2Fweb/members', { user: 'eve', access_level: 30 });
    expect(added).toMatchObject({
      status: 201,
      body: { username: 'eve', role: 'developer', access_level: 30, source_type: 'project', source_path: 'team/web' },
    });
    expect(await root('PUT', '/projects/team%2Fweb/members/eve', { role: 'maintainer' })).toMatchObject({
      status: 200,
      body: { role: 'maintainer' },
    });
    expect((await root('GET', '/projects/team%2Fweb/members')).body).toEqual([
      expect.objectContaining({ username: 'eve', access_level: 40 }),
    ]);
    expect(await root('POST', '/groups/team/members', { username: 'eve', role: 'owner' })).toMatchObject({
      status: 201,
      body: { source_type: 'group' },
    });
    expect((await root('DELETE', '/projects/team%2Fweb/members/eve')).status).toBe(204);
    expect((await root('DELETE', '/groups/team/members/eve')).status).toBe(204);
    expect(await store.listMembers({ project: 'team/web' })).toEqual([]);
  });

  it('should answer 400 without user or role, 404 for unknown users and 409 for duplicates', async () => {
    const { root } = await setup();
    expect(await root('POST', '/projects/team%2Fapp/members', { role: 'developer' })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/name the user/) },
    });
    expect(await root('POST', '/projects/team%2Fapp/members', { user: 'eve' })).toMatchObject({ status: 400 });
    expect(await root('POST', '/projects/team%2Fapp/members', { user: 'eve', access_level: 35 })).toMatchObject({ status: 400 });
    expect(await root('POST', '/projects/team%2Fapp/members', { user: 'nobody', role: 'guest' })).toMatchObject({ status: 404 });
    expect(await root('POST', '/projects/team%2Fapp/members', { user: 'dev', role: 'guest' })).toMatchObject({ status: 409 });
    expect(await root('DELETE', '/projects/team%2Fapp/members/eve')).toMatchObject({ status: 404 });
  });
});

describe('admin API: deploy tokens and jobs', () => {
  it('should create project and group deploy tokens whose secret logs in, and revoke them', async () => {
    const { root, store } = await setup();
    const hooks = createAccessHooks(store);
    const created = await root('POST', '/projects/team%2Fapp/deploy_tokens', {
      name: 'k8s',
      scopes: ['read_registry'],
      expires_at: '2099-01-01',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'k8s', username: 'wharf+deploy-token-1', token: expect.stringMatching(/^wharf_dt_/), project_id: expect.any(String) },
    });
    const { id, username, token } = created.body as { id: string; username: string; token: string };
    expect(await hooks.authenticate({ kind: 'password', username, password: token })).not.toBeNull();
    const group = await root('POST', '/groups/team/deploy_tokens', { username: 'puller', scopes: ['read_registry', 'write_registry'] });
    expect(group).toMatchObject({ status: 201, body: { username: 'puller', group_id: expect.any(String) } });
    expect((await root('GET', '/projects/team%2Fapp/deploy_tokens')).body).toEqual([expect.objectContaining({ id, state: 'active' })]);
    expect((await root('DELETE', `/deploy_tokens/${id}`)).status).toBe(204);
    expect(await hooks.authenticate({ kind: 'password', username, password: token })).toBeNull();
    expect((await root('POST', '/projects/team%2Fapp/deploy_tokens', { scopes: ['api'] })).status).toBe(400);
    expect((await root('DELETE', '/deploy_tokens/nope')).status).toBe(404);
  });

  it('should start a job with a token valid until the job is finished', async () => {
    const { root, store } = await setup();
    const hooks = createAccessHooks(store);
    const started = await root('POST', '/projects/team%2Fapp/jobs', { user: 'dev' });
    expect(started).toMatchObject({
      status: 201,
      body: { id: expect.any(String), token: expect.stringMatching(/^wharf_job_/), status: 'running' },
    });
    const { id, token } = started.body as { id: string; token: string };
    expect(await hooks.authenticate({ kind: 'password', username: 'gitlab-ci-token', password: token })).not.toBeNull();
    expect(await root('POST', `/jobs/${id}/finish`)).toMatchObject({ status: 200, body: { status: 'finished', token_active: false } });
    expect(await hooks.authenticate({ kind: 'password', username: 'gitlab-ci-token', password: token })).toBeNull();
    expect((await root('POST', '/projects/team%2Fapp/jobs', { user: 'nobody' })).status).toBe(404);
    expect((await root('POST', '/projects/team%2Fapp/jobs', {})).status).toBe(400);
    expect((await root('POST', '/jobs/nope/finish')).status).toBe(404);
  });

  it('should answer 403 to non-admins', async () => {
    const { dev } = await setup();
    expect((await dev('POST', '/projects/team%2Fapp/jobs', { user: 'dev' })).status).toBe(403);
    expect((await dev('POST', '/projects/team%2Fapp/deploy_tokens', { scopes: ['read_registry'] })).status).toBe(403);
  });
});

describe('admin API: robustness', () => {
  it('should never answer 500 to malformed input on any route', async () => {
    const { root } = await setup();
    const routes: [string, string][] = [
      ['POST', '/users'],
      ['PATCH', '/users/dev'],
      ['POST', '/users/dev/personal_access_tokens'],
      ['POST', '/groups'],
      ['PATCH', '/groups/team'],
      ['POST', '/projects'],
      ['PATCH', '/projects/team%2Fapp'],
      ['POST', '/projects/team%2Fapp/members'],
      ['PUT', '/projects/team%2Fapp/members/dev'],
      ['POST', '/groups/team/members'],
      ['POST', '/projects/team%2Fapp/deploy_tokens'],
      ['POST', '/groups/team/deploy_tokens'],
      ['POST', '/projects/team%2Fapp/jobs'],
      ['POST', '/projects/%E0%A4%A/jobs'],
      ['GET', '/users/%00'],
    ];
    const bodies: unknown[] = [
      '{',
      'null',
      '[]',
      '"x"',
      '42',
      {},
      { path: null },
      { path: 'a'.repeat(5000) },
      { visibility: 'x', scopes: 'api' },
      { user: ['x'] },
    ];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const raw = typeof body === 'string' ? body : JSON.stringify(body);
        const { status } = await root(method, path, method === 'GET' ? undefined : raw);
        expect(status, `${method} ${path} ${raw}`).toBeLessThan(500);
      }
    }
  });
});
