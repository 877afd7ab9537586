import { describe, expect, it } from 'vitest';
import { world } from '../test-support.js';

type Named = { full_path: string };
const paths = async (response: Response) => ((await response.json()) as Named[]).map((g) => g.full_path);

describe('GET /groups/:id', () => {
  it('should answer a group by numeric id and by URL-encoded full path in GitLab shape', async () => {
    const { call, tokens } = await world();
    const byPath = await call('/groups/team%2Fsub', { token: tokens.olga });
    expect(byPath.status).toBe(200);
    const group = await byPath.json();
    expect(group).toMatchObject({
      id: 2,
      name: 'sub',
      path: 'sub',
      full_path: 'team/sub',
      full_name: 'team / sub',
      parent_id: 1,
      visibility: 'private',
    });
    expect(group.web_url).toBe('http://registry.test/namespaces/team/sub');
    expect(group.projects.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['team/sub/svc']);
    expect(group.shared_projects).toEqual([]);
    expect((await (await call('/groups/2', { token: tokens.olga })).json()).full_path).toBe('team/sub');
  });

  it('should list only the projects the caller can see, and none with with_projects=false', async () => {
    const { call, tokens } = await world();
    const anonymous = await (await call('/groups/team')).json();
    expect(anonymous.projects.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['team/web']);
    const bare = await (await call('/groups/team?with_projects=false', { token: tokens.olga })).json();
    expect(bare.projects).toBeUndefined();
  });

  it('should answer 404 Group Not Found alike for a private group the caller cannot see and a missing one', async () => {
    const { call, tokens } = await world();
    for (const path of ['/groups/other', '/groups/3', '/groups/team%2Fsub', '/groups/999', '/groups/no%2Fsuch']) {
      const response = await call(path, { token: tokens.eve });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Group Not Found' });
    }
  });

  it('should let a member of a project inside a private group see the group', async () => {
    const { call, tokens, store } = await world();
    await store.addMember({ project: 'team/sub/svc', user: 'eve', role: 'reporter' });
    expect((await call('/groups/team%2Fsub', { token: tokens.eve })).status).toBe(200);
  });
});

describe('GET /groups', () => {
  it("should list a user's own groups by default, in name order, and every visible group with all_available", async () => {
    const { call, tokens } = await world();
    expect(await paths(await call('/groups', { token: tokens.olga }))).toEqual(['team/sub', 'team']);
    expect(await paths(await call('/groups', { token: tokens.eve }))).toEqual([]);
    expect(await paths(await call('/groups?all_available=true', { token: tokens.eve }))).toEqual(['team']);
    expect(await paths(await call('/groups'))).toEqual(['team']);
    expect(await paths(await call('/groups', { token: tokens.root }))).toEqual(['other', 'team/sub', 'team']);
  });

  it('should filter by search, top_level_only, owned and min_access_level', async () => {
    const { call, tokens } = await world();
    expect(await paths(await call('/groups?search=SUB', { token: tokens.root }))).toEqual(['team/sub']);
    expect(await paths(await call('/groups?top_level_only=true', { token: tokens.root }))).toEqual(['other', 'team']);
    expect(await paths(await call('/groups?owned=true', { token: tokens.olga }))).toEqual(['team']);
    expect(await paths(await call('/groups?owned=true', { token: tokens.rita }))).toEqual([]);
    expect(await paths(await call('/groups?min_access_level=20', { token: tokens.rita }))).toEqual(['team/sub', 'team']);
    expect(await paths(await call('/groups?min_access_level=30', { token: tokens.rita }))).toEqual([]);
  });

  it('should answer 400 for a min_access_level the access model lacks', async () => {
    const { call, tokens } = await world();
    const response = await call('/groups?min_access_level=15', { token: tokens.rita });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^min_access_level does not have a valid value/);
  });

  it('should sort by id descending and page with GitLab offset headers', async () => {
    const { call, tokens } = await world();
    const response = await call('/groups?order_by=id&sort=desc&per_page=2', { token: tokens.root });
    expect(await paths(response)).toEqual(['other', 'team/sub']);
    expect(response.headers.get('x-total')).toBe('3');
    expect(response.headers.get('x-total-pages')).toBe('2');
    expect(response.headers.get('x-next-page')).toBe('2');
    expect(response.headers.get('link')).toContain('rel="next"');
    const second = await call('/groups?order_by=id&sort=desc&per_page=2&page=2', { token: tokens.root });
    expect(await paths(second)).toEqual(['team']);
    expect(second.headers.get('x-prev-page')).toBe('1');
  });

  it('should page by keyset in name order through every group once', async () => {
    const { call, tokens, store } = await world();
    await store.createGroup({ path: 'team/alpha' });
    const seen: string[] = [];
    let next: string | null = '/groups?pagination=keyset&order_by=name&sort=asc&per_page=2';
    while (next) {
      const response = await call(next, { token: tokens.root });
      expect(response.status).toBe(200);
      seen.push(...(await paths(response)));
      const link = response.headers.get('link');
      next = link ? (/<[^>]*\/api\/v4([^>]*)>; rel="next"/.exec(link)?.[1] ?? null) : null;
    }
    expect(seen).toEqual(['team/alpha', 'other', 'team/sub', 'team']);
  });

  it('should refuse keyset pagination in another order, and a forged cursor', async () => {
    const { call, tokens } = await world();
    expect((await call('/groups?pagination=keyset&order_by=id', { token: tokens.root })).status).toBe(400);
    expect((await call('/groups?pagination=keyset&cursor=bm9wZQ', { token: tokens.root })).status).toBe(400);
  });
});

describe('GET /groups/:id/subgroups and /projects', () => {
  it('should list the direct subgroups a caller can see', async () => {
    const { call, tokens } = await world();
    expect(await paths(await call('/groups/team/subgroups', { token: tokens.olga }))).toEqual(['team/sub']);
    expect(await paths(await call('/groups/team/subgroups'))).toEqual([]);
  });

  it("should list a group's projects, with its subgroups' on request", async () => {
    const { call, tokens } = await world();
    const names = async (r: Response) => ((await r.json()) as { path_with_namespace: string }[]).map((p) => p.path_with_namespace);
    const own = await call('/groups/team/projects?order_by=id&sort=asc', { token: tokens.olga });
    expect(await names(own)).toEqual(['team/app', 'team/web']);
    expect(own.headers.get('x-total')).toBe('2');
    expect(await names(await call('/groups/1/projects?include_subgroups=true&order_by=path&sort=asc', { token: tokens.olga }))).toEqual([
      'team/app',
      'team/sub/svc',
      'team/web',
    ]);
    expect(await names(await call('/groups/team/projects'))).toEqual(['team/web']);
  });
});

describe('POST /groups', () => {
  it('should create a subgroup for a maintainer of the parent and make them its owner', async () => {
    const { call, tokens, store } = await world();
    await store.addMember({ group: 'team', user: 'mara', role: 'maintainer' });
    const response = await call('/groups', { method: 'POST', token: tokens.mara, json: { name: 'ops', path: 'ops', parent_id: 1 } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: 4, full_path: 'team/ops', parent_id: 1, visibility: 'private' });
    const members = await store.listMembers({ group: 'team/ops' });
    expect(members.map((m) => [m.username, m.role])).toEqual([['mara', 'owner']]);
  });

  it('should refuse a subgroup to a reporter of the parent and a top-level group to a non-administrator', async () => {
    const { call, tokens, store } = await world();
    expect((await call('/groups', { method: 'POST', token: tokens.rita, form: { path: 'ops', parent_id: '1' } })).status).toBe(403);
    const topLevel = await call('/groups', { method: 'POST', token: tokens.olga, json: { path: 'mine' } });
    expect(topLevel.status).toBe(403);
    expect((await topLevel.json()).message).toContain('administrator');
    expect((await store.listGroups()).map((g) => g.path)).not.toContain('mine');
    expect((await call('/groups', { method: 'POST', token: tokens.root, json: { path: 'mine', visibility: 'internal' } })).status).toBe(
      201,
    );
  });

  it('should answer 400 for a taken path, a path with a slash, differing name and path, and visibility above the parent', async () => {
    const { call, tokens } = await world();
    const post = (json: unknown) => call('/groups', { method: 'POST', token: tokens.root, json });
    const taken = await post({ path: 'team' });
    expect(taken.status).toBe(400);
    expect((await taken.json()).message).toContain('taken');
    expect((await post({ path: 'team/x' })).status).toBe(400);
    expect((await post({ name: 'Ops Team', path: 'ops' })).status).toBe(400);
    expect((await post({ path: 'x', parent_id: 2, visibility: 'public' })).status).toBe(400);
    expect((await post({})).status).toBe(400);
  });
});

describe('PUT and DELETE /groups/:id', () => {
  it('should change the visibility for an owner and refuse a maintainer', async () => {
    const { call, tokens, store } = await world();
    await store.addMember({ group: 'team', user: 'mara', role: 'maintainer' });
    expect((await call('/groups/team%2Fsub', { method: 'PUT', token: tokens.mara, json: { visibility: 'internal' } })).status).toBe(403);
    const response = await call('/groups/team%2Fsub', { method: 'PUT', token: tokens.olga, json: { visibility: 'internal' } });
    expect(response.status).toBe(200);
    expect((await response.json()).visibility).toBe('internal');
    expect((await store.getGroup('team/sub')).visibility).toBe('internal');
  });

  it('should refuse a rename clearly and a visibility the children forbid', async () => {
    const { call, tokens } = await world();
    const rename = await call('/groups/team', { method: 'PUT', token: tokens.olga, json: { path: 'crew' } });
    expect(rename.status).toBe(400);
    expect((await rename.json()).message).toContain('cannot be renamed');
    expect((await call('/groups/team', { method: 'PUT', token: tokens.olga, json: { visibility: 'private' } })).status).toBe(400);
    expect((await call('/groups/team', { method: 'PUT', token: tokens.olga, json: { path: 'team', name: 'team' } })).status).toBe(200);
  });

  it('should delete an empty group with 202 and refuse one with projects with 400', async () => {
    const { call, tokens, store } = await world();
    const full = await call('/groups/team%2Fsub', { method: 'DELETE', token: tokens.olga });
    expect(full.status).toBe(400);
    expect((await full.json()).message).toContain('not empty');
    await store.deleteProject('team/sub/svc');
    expect((await call('/groups/team%2Fsub', { method: 'DELETE', token: tokens.rita })).status).toBe(403);
    const deleted = await call('/groups/team%2Fsub', { method: 'DELETE', token: tokens.olga });
    expect(deleted.status).toBe(202);
    expect(await deleted.json()).toEqual({ message: '202 Accepted' });
    expect((await call('/groups/team%2Fsub', { token: tokens.olga })).status).toBe(404);
  });
});

describe('malformed requests', () => {
  it('should answer 400, never 500, for malformed parameters', async () => {
    const { call, tokens } = await world();
    const cases: [string, { method?: string; json?: unknown }][] = [
      ['/groups?skip_groups=x', {}],
      ['/groups?order_by=nonsense', {}],
      ['/groups?per_page=-1', {}],
      ['/groups/team/projects?visibility=secret', {}],
      ['/groups', { method: 'POST', json: { path: 'x', parent_id: 'team' } }],
      ['/groups', { method: 'POST', json: { path: '..' } }],
      ['/groups', { method: 'POST', json: { path: 'a'.repeat(300) } }],
      ['/groups/team', { method: 'PUT', json: { visibility: 'secret' } }],
    ];
    for (const [path, init] of cases) {
      const response = await call(path, { ...init, token: tokens.root });
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(400);
    }
  });
});

describe('the OpenAPI document', () => {
  it('should document the groups routes', async () => {
    const { call } = await world();
    const document = await (await call('/openapi.json')).json();
    expect(Object.keys(document.paths['/groups'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(document.paths['/groups/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/groups/{id}/subgroups', '/groups/{id}/projects']));
  });
});
