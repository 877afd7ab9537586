import { allowedActions } from '@wharf/access';
import { describe, expect, it } from 'vitest';
import { type World, world } from '../test-support.js';

type Member = { id: number; username: string; access_level: number };
const usernames = async (response: Response) => ((await response.json()) as Member[]).map((m) => m.username);

/** The registry actions the user has on the project, from the store's latest state. */
async function registryRights(w: World, username: string, projectPath: string): Promise<string[]> {
  const state = await w.store.state();
  const user = state.user(username);
  const project = state.project(projectPath);
  if (!user || !project) throw new Error('fixture missing');
  return [...allowedActions(state, { kind: 'user', user }, project)].sort();
}

describe('GET members', () => {
  it('should list direct members in GitLab shape, and inherited ones under /members/all', async () => {
    const { call, tokens } = await world();
    const direct = await call('/projects/team%2Fapp/members', { token: tokens.dev });
    expect(direct.status).toBe(200);
    const members = await direct.json();
    expect(members[0]).toEqual({
      id: 3,
      username: 'mara',
      name: 'mara',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: 'http://registry.test/mara',
      access_level: 40,
      created_at: expect.stringMatching(/^\d{4}-/),
      expires_at: null,
      membership_state: 'active',
    });
    expect(members.map((m: Member) => m.username)).toEqual(['mara', 'dev']);
    expect(direct.headers.get('x-total')).toBe('2');
    const all = (await (await call('/projects/1/members/all', { token: tokens.dev })).json()) as Member[];
    expect(all.map((m) => [m.username, m.access_level])).toEqual([
      ['olga', 50],
      ['mara', 40],
      ['dev', 30],
      ['rita', 20],
    ]);
  });

  it('should give each user once with their highest role in /members/all', async () => {
    const { call, tokens, store } = await world();
    await store.addMember({ group: 'team/sub', user: 'rita', role: 'maintainer' });
    const all = (await (await call('/groups/team%2Fsub/members/all', { token: tokens.olga })).json()) as Member[];
    expect(all.map((m) => [m.username, m.access_level])).toEqual([
      ['olga', 50],
      ['rita', 40],
    ]);
  });

  it('should answer one member, direct or inherited, and 404 Member Not Found otherwise', async () => {
    const { call, tokens } = await world();
    expect((await (await call('/groups/team/members/2', { token: tokens.rita })).json()).access_level).toBe(50);
    const notDirect = await call('/projects/1/members/2', { token: tokens.mara });
    expect(notDirect.status).toBe(404);
    expect(await notDirect.json()).toEqual({ message: '404 Member Not Found' });
    expect((await (await call('/projects/1/members/all/2', { token: tokens.mara })).json()).username).toBe('olga');
    expect((await call('/projects/1/members/all/999', { token: tokens.mara })).status).toBe(404);
  });

  it('should filter with query and user_ids, and page with offset headers', async () => {
    const { call, tokens } = await world();
    expect(await usernames(await call('/projects/1/members/all?query=RA', { token: tokens.mara }))).toEqual(['mara']);
    expect(await usernames(await call('/projects/1/members/all?user_ids[]=2&user_ids[]=5', { token: tokens.mara }))).toEqual([
      'olga',
      'rita',
    ]);
    const page = await call('/projects/1/members/all?per_page=3&page=2', { token: tokens.mara });
    expect(await usernames(page)).toEqual(['rita']);
    expect(page.headers.get('x-total-pages')).toBe('2');
    expect(page.headers.get('x-prev-page')).toBe('1');
  });

  it('should answer 404 for the members of a private project or group the caller cannot see', async () => {
    const { call, tokens } = await world();
    expect(await (await call('/projects/1/members', { token: tokens.eve })).json()).toEqual({ message: '404 Project Not Found' });
    expect(await (await call('/groups/other/members')).json()).toEqual({ message: '404 Group Not Found' });
    expect((await call('/groups/team/members')).status).toBe(200);
  });
});

describe('POST members', () => {
  it('should let a project maintainer add a developer who may then push', async () => {
    const w = await world();
    expect(await registryRights(w, 'eve', 'team/app')).toEqual([]);
    const response = await w.call('/projects/team%2Fapp/members', {
      method: 'POST',
      token: w.tokens.mara,
      form: { user_id: '6', access_level: '30' },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: 6, username: 'eve', access_level: 30 });
    expect(await registryRights(w, 'eve', 'team/app')).toEqual(['pull', 'push']);
  });

  it('should take a username instead of a user_id', async () => {
    const { call, tokens } = await world();
    const response = await call('/groups/team/members', {
      method: 'POST',
      token: tokens.olga,
      json: { username: 'eve', access_level: 10 },
    });
    expect(response.status).toBe(201);
    expect((await response.json()).access_level).toBe(10);
  });

  it('should refuse a developer with 403 and add nothing', async () => {
    const { call, tokens, store } = await world();
    const response = await call('/projects/1/members', { method: 'POST', token: tokens.dev, json: { user_id: 6, access_level: 30 } });
    expect(response.status).toBe(403);
    expect((await store.listMembers({ project: 'team/app' })).map((m) => m.username)).toEqual(['mara', 'dev']);
  });

  it('should refuse a maintainer who gives the owner role, and let an owner give it', async () => {
    const { call, tokens } = await world();
    const byMaintainer = await call('/projects/1/members', { method: 'POST', token: tokens.mara, json: { user_id: 6, access_level: 50 } });
    expect(byMaintainer.status).toBe(403);
    expect((await byMaintainer.json()).message).toContain('owner');
    expect((await call('/projects/1/members', { method: 'POST', token: tokens.olga, json: { user_id: 6, access_level: 50 } })).status).toBe(
      201,
    );
  });

  it('should leave group members to owners, as GitLab does', async () => {
    const { call, tokens, store } = await world();
    await store.addMember({ group: 'team', user: 'mara', role: 'maintainer' });
    expect(
      (await call('/groups/team/members', { method: 'POST', token: tokens.mara, json: { user_id: 6, access_level: 10 } })).status,
    ).toBe(403);
  });

  it('should answer 400 for access levels the access model lacks', async () => {
    const { call, tokens } = await world();
    for (const level of [0, 5, 15, 60, -1]) {
      const response = await call('/projects/1/members', { method: 'POST', token: tokens.mara, json: { user_id: 6, access_level: level } });
      expect(response.status, String(level)).toBe(400);
      expect((await response.json()).error).toMatch(/^access_level does not have a valid value/);
    }
    const text = await call('/projects/1/members', { method: 'POST', token: tokens.mara, json: { user_id: 6, access_level: 'developer' } });
    expect(text.status).toBe(400);
    const missing = await call('/projects/1/members', { method: 'POST', token: tokens.mara, json: { user_id: 6 } });
    expect((await missing.json()).error).toBe('access_level is missing');
  });

  it('should answer 409 for a user who is already a member, and 404 for no such user', async () => {
    const { call, tokens } = await world();
    const again = await call('/projects/1/members', { method: 'POST', token: tokens.mara, json: { user_id: 4, access_level: 30 } });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ message: 'Member already exists' });
    const nobody = await call('/projects/1/members', {
      method: 'POST',
      token: tokens.mara,
      json: { username: 'nobody', access_level: 30 },
    });
    expect(await nobody.json()).toEqual({ message: '404 User Not Found' });
  });

  it('should refuse a role below the inherited one, both user_id and username, and an expiry date', async () => {
    const { call, tokens } = await world();
    const post = (json: unknown) => call('/projects/1/members', { method: 'POST', token: tokens.olga, json });
    const below = await post({ user_id: 5, access_level: 10 });
    expect(below.status).toBe(400);
    expect((await below.json()).message).toContain('greater than or equal to Reporter inherited membership from group team');
    expect((await post({ user_id: 6, username: 'eve', access_level: 30 })).status).toBe(400);
    const expiring = await post({ user_id: 6, access_level: 30, expires_at: '2030-01-01' });
    expect(expiring.status).toBe(400);
    expect((await expiring.json()).message).toContain('expires_at');
    expect((await post({ user_id: 6, access_level: 30, expires_at: null })).status).toBe(201);
  });
});

describe('PUT and DELETE members', () => {
  it('should change a role for a maintainer but not promote to owner', async () => {
    const w = await world();
    const demote = await w.call('/projects/1/members/4', { method: 'PUT', token: w.tokens.mara, json: { access_level: 20 } });
    expect(demote.status).toBe(200);
    expect((await demote.json()).access_level).toBe(20);
    expect(await registryRights(w, 'dev', 'team/app')).toEqual(['pull']);
    expect((await w.call('/projects/1/members/4', { method: 'PUT', token: w.tokens.mara, json: { access_level: 50 } })).status).toBe(403);
    expect((await w.call('/projects/1/members/6', { method: 'PUT', token: w.tokens.mara, json: { access_level: 20 } })).status).toBe(404);
  });

  it('should remove a member with 204 and take away their registry rights', async () => {
    const w = await world();
    expect(await registryRights(w, 'dev', 'team/app')).toEqual(['pull', 'push']);
    const response = await w.call('/projects/team%2Fapp/members/4', { method: 'DELETE', token: w.tokens.mara });
    expect(response.status).toBe(204);
    expect(await registryRights(w, 'dev', 'team/app')).toEqual([]);
    expect((await w.call('/projects/1', { token: w.tokens.dev })).status).toBe(404);
  });

  it('should let a member leave, but not remove others without the role', async () => {
    const { call, tokens } = await world();
    expect((await call('/projects/1/members/3', { method: 'DELETE', token: tokens.dev })).status).toBe(403);
    expect((await call('/projects/1/members/4', { method: 'DELETE', token: tokens.dev })).status).toBe(204);
  });

  it('should keep the last owner of a group, and let them go once there is another', async () => {
    const { call, tokens } = await world();
    const leave = await call('/groups/team/members/2', { method: 'DELETE', token: tokens.olga });
    expect(leave.status).toBe(403);
    expect((await leave.json()).message).toContain('no owner left');
    expect((await call('/groups/team/members/2', { method: 'PUT', token: tokens.olga, json: { access_level: 40 } })).status).toBe(403);
    expect(
      (await call('/groups/team/members', { method: 'POST', token: tokens.olga, json: { user_id: 5, access_level: 50 } })).status,
    ).toBe(409);
    expect((await call('/groups/team/members/5', { method: 'PUT', token: tokens.olga, json: { access_level: 50 } })).status).toBe(200);
    expect((await call('/groups/team/members/2', { method: 'DELETE', token: tokens.olga })).status).toBe(204);
  });

  it('should refuse a CI job token with 403 and an anonymous caller with 401', async () => {
    const { call, store } = await world();
    const { token } = await store.startJob({ project: 'team/app', user: 'olga' });
    const byJob = await call('/groups/team/members/5', { method: 'DELETE', headers: { 'JOB-TOKEN': token } });
    expect(byJob.status).toBe(403);
    expect((await call('/groups/team/members/5', { method: 'DELETE' })).status).toBe(401);
    expect((await store.listMembers({ group: 'team' })).map((m) => m.username)).toContain('rita');
  });
});

describe('malformed requests', () => {
  it('should answer 4xx, never 500, for malformed ids and parameters', async () => {
    const { call, tokens } = await world();
    const cases: [string, { method?: string; json?: unknown }][] = [
      ['/projects/1/members', { method: 'POST', json: { user_id: 'abc', access_level: 30 } }],
      ['/projects/1/members', { method: 'POST', json: { user_id: 1.5, access_level: 30 } }],
      ['/projects/1/members', { method: 'POST', json: { user_id: [6], access_level: 30 } }],
      ['/projects/1/members', { method: 'POST', json: { username: 'eve', access_level: 30, expires_at: 7 } }],
      ['/projects/1/members/abc', { method: 'PUT', json: { access_level: 30 } }],
      ['/projects/1/members/999', { method: 'DELETE' }],
      ['/projects/1/members?per_page=0', {}],
      ['/projects/1/members?user_ids=a,b', {}],
      ['/groups/constructor/members', {}],
      ['/groups/__proto__/members/all/1', {}],
    ];
    for (const [path, init] of cases) {
      const response = await call(path, { ...init, token: tokens.olga });
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(500);
    }
  });
});

describe('the OpenAPI document', () => {
  it('should document the members routes of groups and projects', async () => {
    const { call } = await world();
    const document = await (await call('/openapi.json')).json();
    for (const kind of ['groups', 'projects'])
      for (const path of ['members', 'members/all', 'members/{user_id}', 'members/all/{user_id}'])
        expect(Object.keys(document.paths), `${kind}/${path}`).toContain(`/${kind}/{id}/${path}`);
    expect(Object.keys(document.paths[`/projects/{id}/members/{user_id}`])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
  });
});
