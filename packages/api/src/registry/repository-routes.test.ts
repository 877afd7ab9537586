import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags, type World, world } from '../test-support.js';
import { registryWorld } from './registry-test-world.js';
import { repositoryId } from './repository-ids.js';

async function seeded(): Promise<World> {
  const w = await world();
  await pushImage(w, 'team/app', 'latest');
  await pushImage(w, 'team/app', 'v1');
  await pushImage(w, 'team/app/api', '1.0');
  await pushImage(w, 'team/web', 'latest');
  await pushImage(w, 'team/sub/svc', 'latest');
  await pushImage(w, 'other/lib', 'latest');
  return w;
}

describe('GET /projects/:id/registry/repositories', () => {
  it("should list the project's repositories in GitLab's shape, with tags and tags_count when asked", async () => {
    const w = await seeded();
    const response = await w.call('/projects/team%2Fapp/registry/repositories?tags=true&tags_count=true', { token: w.tokens.rita });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual([
      {
        id: repositoryId('team/app'),
        name: '',
        path: 'team/app',
        project_id: 1,
        location: 'registry.test/team/app',
        created_at: expect.stringMatching(/^\d{4}-/),
        cleanup_policy_started_at: null,
        status: null,
        tags_count: 2,
        tags: [
          { name: 'latest', path: 'team/app:latest', location: 'registry.test/team/app:latest' },
          { name: 'v1', path: 'team/app:v1', location: 'registry.test/team/app:v1' },
        ],
      },
      expect.objectContaining({ name: 'api', path: 'team/app/api', project_id: 1, tags_count: 1 }),
    ]);
  });

  it('should leave tags and tags_count out unless asked, as GitLab does', async () => {
    const w = await seeded();
    const [first] = await (await w.call('/projects/1/registry/repositories', { token: w.tokens.mara })).json();
    expect(first).not.toHaveProperty('tags');
    expect(first).not.toHaveProperty('tags_count');
  });

  it('should page with the offset pagination headers', async () => {
    const w = await seeded();
    await pushImage(w, 'team/app/worker', 'latest');
    const first = await w.call('/projects/1/registry/repositories?per_page=2', { token: w.tokens.mara });
    expect(first.headers.get('x-total')).toBe('3');
    expect(first.headers.get('x-total-pages')).toBe('2');
    expect(first.headers.get('x-next-page')).toBe('2');
    expect((await first.json()).map((r: { path: string }) => r.path)).toEqual(['team/app', 'team/app/api']);
    const second = await w.call('/projects/1/registry/repositories?per_page=2&page=2', { token: w.tokens.mara });
    expect((await second.json()).map((r: { path: string }) => r.path)).toEqual(['team/app/worker']);
    expect(second.headers.get('x-prev-page')).toBe('1');
  });

  it('should answer 404 Project Not Found for a private project the caller cannot see', async () => {
    const w = await seeded();
    const response = await w.call('/projects/team%2Fapp/registry/repositories', { token: w.tokens.eve });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404 Project Not Found' });
  });

  it('should list nothing for a project whose container registry is turned off', async () => {
    const w = await seeded();
    await w.store.setProjectRegistryAccessLevel('team/app', 'disabled');
    const response = await w.call('/projects/1/registry/repositories', { token: w.tokens.mara });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });

  it('should refuse with 403 a visible project whose registry is for members only', async () => {
    const w = await seeded();
    await w.store.setProjectRegistryAccessLevel('team/web', 'private');
    expect((await w.call('/projects/team%2Fweb/registry/repositories', { token: w.tokens.eve })).status).toBe(403);
    expect((await w.call('/projects/team%2Fweb/registry/repositories', { token: w.tokens.rita })).status).toBe(200);
  });
});

describe('GET /groups/:id/registry/repositories', () => {
  it('should list the repositories of the projects in the group and its subgroups', async () => {
    const w = await seeded();
    const body = await (await w.call('/groups/team/registry/repositories', { token: w.tokens.olga })).json();
    expect(body.map((r: { path: string }) => r.path)).toEqual(['team/app', 'team/app/api', 'team/sub/svc', 'team/web']);
  });

  it('should leave out the projects whose images the caller may not read', async () => {
    const w = await seeded();
    const body = await (await w.call('/groups/team/registry/repositories', { token: w.tokens.eve })).json();
    expect(body.map((r: { path: string }) => r.path)).toEqual(['team/web']);
  });
});

describe('GET /registry/repositories/:id', () => {
  it('should answer one repository with its deduplicated size and tags', async () => {
    const w = await seeded();
    const id = repositoryId('team/app');
    const response = await w.call(`/registry/repositories/${id}?tags=true&tags_count=true&size=true`, { token: w.tokens.rita });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ id, path: 'team/app', project_id: 1, tags_count: 2 });
    expect(body.tags.map((t: { name: string }) => t.name)).toEqual(['latest', 'v1']);
    expect(body.size).toBe(await w.registry.management.repositorySize('team/app'));
    expect(body.size).toBeGreaterThan(0);
  });

  it('should answer 404 Repository Not Found for an unknown id, a malformed id and an id the caller may not read', async () => {
    const w = await seeded();
    for (const [path, token] of [
      ['/registry/repositories/12345', w.tokens.root],
      ['/registry/repositories/abc', w.tokens.root],
      [`/registry/repositories/${repositoryId('team/app')}`, w.tokens.eve],
    ] as const) {
      const response = await w.call(path, { token });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Repository Not Found' });
    }
  });

  it('should hide the repositories of a project whose registry is turned off', async () => {
    const w = await seeded();
    await w.store.setProjectRegistryAccessLevel('team/app', 'disabled');
    expect((await w.call(`/registry/repositories/${repositoryId('team/app')}`, { token: w.tokens.root })).status).toBe(404);
  });
});

describe('DELETE /projects/:id/registry/repositories/:repository_id', () => {
  it('should delete the repository in the background and answer 202', async () => {
    const w = await seeded();
    const response = await w.call(`/projects/1/registry/repositories/${repositoryId('team/app/api')}`, {
      method: 'DELETE',
      token: w.tokens.mara,
    });
    expect(response.status).toBe(202);
    await w.registry.management.background.settled();
    expect(await v2Tags(w, 'team/app/api')).toBeNull();
    expect(await v2Tags(w, 'team/app')).toEqual(['latest', 'v1']);
    const listed = await (await w.call('/projects/1/registry/repositories', { token: w.tokens.mara })).json();
    expect(listed.map((r: { path: string }) => r.path)).toEqual(['team/app']);
  });

  it('should refuse reporters and developers with 403, as only maintainers administer images in GitLab', async () => {
    const w = await seeded();
    for (const user of ['rita', 'dev']) {
      const response = await w.call(`/projects/1/registry/repositories/${repositoryId('team/app')}`, {
        method: 'DELETE',
        token: w.tokens[user],
      });
      expect(response.status, user).toBe(403);
    }
    expect(await v2Tags(w, 'team/app')).toEqual(['latest', 'v1']);
  });

  it("should answer 404 Repository Not Found for another project's repository id", async () => {
    const w = await seeded();
    const response = await w.call(`/projects/1/registry/repositories/${repositoryId('team/web')}`, {
      method: 'DELETE',
      token: w.tokens.root,
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404 Repository Not Found' });
    expect(await v2Tags(w, 'team/web')).toEqual(['latest']);
  });

  it("should show the deletion in the repository's status while it runs", async () => {
    // Tag protection is asked before each tag goes: holding its answer holds the deletion.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const w = await registryWorld({
      tagProtection: {
        async checkTagChange(change) {
          // The first delete question is the check before the 202; the second, the deletion's own.
          if (change.action === 'delete' && ++asked === 2) await held;
        },
        protectedTags: async () => new Set(),
      },
    });
    await pushImage(w, 'team/app', 'v1');
    const id = repositoryId('team/app');
    expect((await w.call(`/projects/1/registry/repositories/${id}`, { method: 'DELETE', token: w.tokens.mara })).status).toBe(202);
    const during = await (await w.call(`/registry/repositories/${id}`, { token: w.tokens.mara })).json();
    expect(during.status).toBe('delete_scheduled');
    release();
    await w.registry.management.background.settled();
    expect((await w.call(`/registry/repositories/${id}`, { token: w.tokens.mara })).status).toBe(404);
  });
});
