import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags, world } from '../test-support.js';

describe('PUT /projects/:id/transfer', () => {
  it('should move the project and every one of its images to the new group', async () => {
    const w = await world();
    const root = await pushImage(w, 'team/app', 'v1');
    await pushImage(w, 'team/app/api', 'v2');
    await pushImage(w, 'team/application', 'keep'); // another project's path that merely starts alike
    await w.call('/projects/team%2Fapp', { method: 'PUT', token: w.tokens.root, json: { container_expiration_policy_attributes: { enabled: true, keep_n: 5 } } });

    const r = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.root, json: { namespace: 'other' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id: 1, path_with_namespace: 'other/app', namespace: { full_path: 'other' } });
    expect(await v2Tags(w, 'other/app')).toEqual(['v1']);
    expect(await v2Tags(w, 'other/app/api')).toEqual(['v2']);
    expect(await v2Tags(w, 'team/app')).toBeNull();
    expect(await v2Tags(w, 'team/application')).toEqual(['keep']);
    const pulled = await w.registry.app.request(`/v2/other/app/manifests/${root}`);
    expect(pulled.status).toBe(200);
    expect((await w.store.getProject('other/app')).number).toBe(1);
    // The cleanup policy went with it.
    const moved = (await (await w.call('/projects/1', { token: w.tokens.root })).json()) as { container_expiration_policy: { keep_n: number } };
    expect(moved.container_expiration_policy.keep_n).toBe(5);
    expect(await w.registry.management.cleanup.policies.get('team/app')).toBeNull();
  });

  it('should refuse an owner of the project who is not maintainer of the target group, moving nothing', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    const r = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.olga, json: { namespace: 'other' } });
    expect(r.status).toBe(404); // olga cannot see the private group "other" at all
    const mara = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.mara, json: { namespace: 'team/sub' } });
    expect(mara.status).toBe(403); // maintainer, not owner, of the project
    expect(await v2Tags(w, 'team/app')).toEqual(['v1']);
  });

  it('should put the moved images back and answer 409 with GitLab\'s message when one image cannot move', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    await pushImage(w, 'team/app/api', 'v2');
    await pushImage(w, 'other/app/api', 'squatter'); // a repository without a project, in the way
    const r = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.root, json: { namespace: 'other' } });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toMatch(/^Project cannot be transferred, because tags are present in its container registry: /);
    expect(await v2Tags(w, 'team/app')).toEqual(['v1']);
    expect(await v2Tags(w, 'team/app/api')).toEqual(['v2']);
    // other/app holds no image (a name above a repository lists as empty)
    expect((await v2Tags(w, 'other/app')) ?? []).toEqual([]);
    expect((await w.store.getProject('team/app')).path).toBe('team/app');
  });

  it('should refuse a group that does not exist or a path that is taken, with a 4xx', async () => {
    const w = await world();
    const missing = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.root, json: { namespace: 'nowhere' } });
    expect(missing.status).toBe(404);
    await w.store.createProject({ path: 'other/app' });
    const taken = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.root, json: { namespace: 'other' } });
    expect(taken.status).toBe(409);
    const none = await w.call('/projects/team%2Fapp/transfer', { method: 'PUT', token: w.tokens.root, json: {} });
    expect(none.status).toBe(400);
  });
});

describe('PUT /projects/:id with a new path', () => {
  it('should rename the project in its group with its images', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    const r = await w.call('/projects/1', { method: 'PUT', token: w.tokens.olga, json: { path: 'service' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ path: 'service', path_with_namespace: 'team/service' });
    expect(await v2Tags(w, 'team/service')).toEqual(['v1']);
    expect(await v2Tags(w, 'team/app')).toBeNull();
  });

  it('should refuse a maintainer (changing the path needs the owner role)', async () => {
    const w = await world();
    const r = await w.call('/projects/1', { method: 'PUT', token: w.tokens.mara, json: { path: 'service' } });
    expect(r.status).toBe(403);
    expect((await w.store.getProject('team/app')).path).toBe('team/app');
  });

  it('should refuse an invalid path with 400 and change nothing', async () => {
    const w = await world();
    const r = await w.call('/projects/1', { method: 'PUT', token: w.tokens.root, json: { path: 'Bad Path!' } });
    expect(r.status).toBe(400);
    expect((await w.store.getProject('team/app')).path).toBe('team/app');
  });
});
