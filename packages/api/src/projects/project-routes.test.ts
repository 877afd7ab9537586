import { describe, expect, it } from 'vitest';
import { allowedActions } from '@wharf/access';
import { pushImage, v2Tags, world } from '../test-support.js';

describe('GET /projects/:id', () => {
  it('should answer a project by numeric id and by URL-encoded path in GitLab shape', async () => {
    const { call, tokens } = await world();
    const byId = await call('/projects/1', { token: tokens.mara });
    expect(byId.status).toBe(200);
    const project = await byId.json();
    expect(project).toMatchObject({
      id: 1,
      path: 'app',
      path_with_namespace: 'team/app',
      visibility: 'private',
      container_registry_enabled: true,
      container_registry_access_level: 'enabled',
      container_registry_image_prefix: 'registry.test/team/app',
      namespace: { id: 1, full_path: 'team', kind: 'group' },
      container_expiration_policy: { enabled: false, cadence: '1d', keep_n: 10, older_than: '90d' },
    });
    const byPath = await (await call('/projects/team%2Fapp', { token: tokens.mara })).json();
    expect(byPath.id).toBe(1);
  });

  it('should answer 404 Project Not Found alike for a private project the caller cannot see and a missing one', async () => {
    const { call, tokens } = await world();
    for (const path of ['/projects/1', '/projects/team%2Fapp', '/projects/999', '/projects/no%2Fsuch']) {
      const response = await call(path, { token: tokens.eve });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Project Not Found' });
    }
    expect((await call('/projects/team%2Fweb')).status).toBe(200);
  });

  it('should answer 401 for a wrong token rather than treat the caller as anonymous', async () => {
    const { call } = await world();
    const response = await call('/projects/team%2Fweb', { token: 'glpat-wrong' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: '401 Unauthorized' });
  });

  it('should refuse a token with only registry scopes with 403 insufficient_scope', async () => {
    const { call, store } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'mara', name: 'reg', scopes: ['read_registry'] });
    const response = await call('/projects/1', { token: secret });
    expect(response.status).toBe(403);
    expect((await response.json()).message).toContain('insufficient_scope');
  });

  it('should take the token as Authorization: Bearer too', async () => {
    const { call, tokens } = await world();
    const response = await call('/projects/1', { headers: { Authorization: `Bearer ${tokens.mara}` } });
    expect(response.status).toBe(200);
  });
});

describe('PUT /projects/:id', () => {
  it("should save the guide's cleanup policy sent as container_expiration_policy_attributes", async () => {
    const { call, tokens, registry } = await world();
    const response = await call('/projects/1', {
      method: 'PUT',
      token: tokens.mara,
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      json: {
        container_expiration_policy_attributes: {
          cadence: '1month',
          enabled: true,
          keep_n: 1,
          older_than: '14d',
          name_regex: '',
          name_regex_delete: '.*',
          name_regex_keep: '.*-master',
        },
      },
    });
    expect(response.status).toBe(200);
    const project = await response.json();
    expect(project.container_expiration_policy).toMatchObject({ cadence: '1month', enabled: true, keep_n: 1, older_than: '14d', name_regex: '.*', name_regex_keep: '.*-master' });
    expect(project.container_expiration_policy.next_run_at).toMatch(/^\d{4}-/);
    expect(await registry.management.cleanup.policies.get('team/app')).toMatchObject({ cadence: '1month', keep_n: 1, name_regex_keep: '.*-master' });
  });

  it('should name the invalid policy field and save nothing', async () => {
    const { call, tokens, registry } = await world();
    const response = await call('/projects/1', { method: 'PUT', token: tokens.mara, json: { container_expiration_policy_attributes: { enabled: true, name_regex_keep: '(' } } });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain('name_regex_keep');
    expect(await registry.management.cleanup.policies.get('team/app')).toBeNull();
  });

  it('should turn the container registry off and on with container_registry_access_level, from a form too', async () => {
    const { call, tokens, store } = await world();
    const off = await call('/projects/team%2Fapp', { method: 'PUT', token: tokens.mara, form: { container_registry_access_level: 'disabled' } });
    expect(off.status).toBe(200);
    expect((await off.json()).container_registry_enabled).toBe(false);
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBe('disabled');
    const on = await call('/projects/1?container_registry_enabled=true', { method: 'PUT', token: tokens.mara });
    expect((await on.json()).container_registry_access_level).toBe('enabled');
  });

  it("should open a public project's registry to members only with container_registry_access_level=private", async () => {
    const w = await world();
    const r = await w.call('/projects/team%2Fweb', { method: 'PUT', token: w.tokens.olga, json: { container_registry_access_level: 'private' } });
    expect(await r.json()).toMatchObject({ container_registry_access_level: 'private', container_registry_enabled: true, visibility: 'public' });
    const state = await w.store.state();
    const web = state.projectByPath('team/web');
    const olga = state.document.users.get((await w.store.getUser('olga')).id);
    if (!web || !olga) throw new Error('seed missing');
    expect([...allowedActions(state, null, web)]).toEqual([]);
    expect([...allowedActions(state, { kind: 'user', user: olga }, web)].sort()).toEqual(['delete', 'pull', 'push']);
  });

  it('should refuse a developer with 403 and leave the settings alone', async () => {
    const { call, tokens, store } = await world();
    const response = await call('/projects/1', { method: 'PUT', token: tokens.dev, json: { container_registry_access_level: 'disabled' } });
    expect(response.status).toBe(403);
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBeUndefined();
  });

  it('should answer 400 naming a parameter of the wrong type', async () => {
    const { call, tokens } = await world();
    const response = await call('/projects/1', { method: 'PUT', token: tokens.mara, json: { container_registry_access_level: 'sometimes' } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^container_registry_access_level is invalid/);
  });
});

describe('GET /projects', () => {
  it('should list what the caller can see with GitLab offset pagination headers', async () => {
    const { call, tokens } = await world();
    const response = await call('/projects?per_page=2&order_by=id&sort=asc', { token: tokens.rita });
    expect(response.status).toBe(200);
    expect((await response.json()).map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['team/app', 'team/web']);
    expect(response.headers.get('x-total')).toBe('3');
    expect(response.headers.get('x-total-pages')).toBe('2');
    expect(response.headers.get('x-next-page')).toBe('2');
    expect(response.headers.get('x-prev-page')).toBe('');
    expect(response.headers.get('link')).toContain('rel="next"');
    const anonymous = await (await call('/projects')).json();
    expect(anonymous.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['team/web']);
  });

  it('should page by keyset through every project once', async () => {
    const { call, tokens } = await world();
    const seen: number[] = [];
    let next: string | null = '/projects?pagination=keyset&order_by=id&sort=asc&per_page=3';
    while (next) {
      const response = await call(next, { token: tokens.root });
      seen.push(...(await response.json()).map((p: { id: number }) => p.id));
      const link = response.headers.get('link');
      next = link ? (/<[^>]*\/api\/v4([^>]*)>; rel="next"/.exec(link)?.[1] ?? null) : null;
    }
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('POST and DELETE /projects', () => {
  it('should create a project in a group for its maintainer and delete it for its owner', async () => {
    const { call, tokens } = await world();
    const created = await call('/projects', { method: 'POST', token: tokens.olga, json: { name: 'api', namespace_id: 1, container_registry_access_level: 'disabled' } });
    expect(created.status).toBe(201);
    const project = await created.json();
    expect(project).toMatchObject({ id: 5, path_with_namespace: 'team/api', container_registry_access_level: 'disabled' });
    expect((await call('/projects', { method: 'POST', token: tokens.dev, json: { path: 'x', namespace_id: 'team' } })).status).toBe(403);
    const deleted = await call('/projects/5', { method: 'DELETE', token: tokens.olga });
    expect(deleted.status).toBe(202);
    expect((await call('/projects/5', { token: tokens.olga })).status).toBe(404);
  });
});

describe('DELETE /projects/:id with protected images', () => {
  it('should refuse with 400 and delete nothing while a repository holds protected tags', async () => {
    const w = await world({
      tagProtection: { checkTagChange: () => undefined, protectedTags: (_repository, tags) => new Set(tags.filter((t) => t.startsWith('release-'))) },
    });
    await pushImage(w, 'team/app', 'dev');
    await pushImage(w, 'team/app/api', 'release-1');
    const r = await w.call('/projects/team%2Fapp', { method: 'DELETE', token: w.tokens.olga });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toMatch(/team\/app\/api has protected or immutable tags \(release-1\)/);
    expect((await w.store.getProject('team/app')).path).toBe('team/app');
    expect(await v2Tags(w, 'team/app/api')).toEqual(['release-1']);
    expect(await v2Tags(w, 'team/app')).toEqual(['dev']);
  });
});
