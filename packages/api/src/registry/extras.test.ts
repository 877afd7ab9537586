import { describe, expect, it } from 'vitest';
import { pushImage, v2Tags, world } from '../test-support.js';
import { repositoryId } from './repository-ids.js';

describe('POST /projects/:id/registry/repositories/:repository_id/rename', () => {
  it('should move the images to the new name within the project and answer the repository with its new id', async () => {
    const w = await world();
    await pushImage(w, 'team/app/api', 'v1');
    const response = await w.call(`/projects/1/registry/repositories/${repositoryId('team/app/api')}/rename`, {
      method: 'POST',
      token: w.tokens.mara,
      json: { name: 'backend' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: repositoryId('team/app/backend'),
      name: 'backend',
      path: 'team/app/backend',
      tags_count: 1,
    });
    expect(await v2Tags(w, 'team/app/backend')).toEqual(['v1']);
    expect(await v2Tags(w, 'team/app/api')).toBeNull();
  });

  it('should answer 409 when the new name is taken and 400 for a name outside the project', async () => {
    const w = await world();
    await pushImage(w, 'team/app/api', 'v1');
    await pushImage(w, 'team/app/web', 'v1');
    const path = `/projects/1/registry/repositories/${repositoryId('team/app/api')}/rename`;
    expect((await w.call(path, { method: 'POST', token: w.tokens.mara, json: { name: 'web' } })).status).toBe(409);
    for (const name of ['../../other/lib', 'Bad Name', 'a/b/c/d']) {
      expect((await w.call(path, { method: 'POST', token: w.tokens.mara, json: { name } })).status, name).toBe(400);
    }
    expect(await v2Tags(w, 'team/app/api')).toEqual(['v1']);
  });

  it('should refuse a developer with 403', async () => {
    const w = await world();
    await pushImage(w, 'team/app/api', 'v1');
    const response = await w.call(`/projects/1/registry/repositories/${repositoryId('team/app/api')}/rename`, {
      method: 'POST',
      token: w.tokens.dev,
      json: { name: 'backend' },
    });
    expect(response.status).toBe(403);
  });
});

describe('GET /projects/:id/registry/usage and /groups/:id/registry/usage', () => {
  it('should count a blob shared by two repositories once in the total', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    // The same image under a second name: the same blobs.
    const manifest = await (await w.registry.app.request('/v2/team/app/manifests/v1')).text();
    for (const blob of JSON.parse(manifest).layers.concat(JSON.parse(manifest).config) as { digest: string }[]) {
      await w.registry.app.request(`/v2/team/app/copy/blobs/uploads/?mount=${blob.digest}&from=team/app`, { method: 'POST' });
    }
    const put = await w.registry.app.request('/v2/team/app/copy/manifests/v1', {
      method: 'PUT',
      body: manifest,
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status).toBe(201);
    const usage = await (await w.call('/projects/1/registry/usage', { token: w.tokens.rita })).json();
    const [one, two] = usage.repositories;
    expect(usage.repositories.map((r: { path: string }) => r.path)).toEqual(['team/app', 'team/app/copy']);
    expect(one.id).toBe(repositoryId('team/app'));
    expect(one.size).toBe(two.size);
    // The blobs once; each repository's copy of the manifest is its own file.
    expect(usage.total_size).toBe(one.size + new TextEncoder().encode(manifest).byteLength);
    expect(usage.total_size).toBeLessThan(one.size + two.size);
  });

  it('should count in a group only the projects whose images the caller may read', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    await pushImage(w, 'team/web', 'v1');
    const all = await (await w.call('/groups/team/registry/usage', { token: w.tokens.olga })).json();
    const outsider = await (await w.call('/groups/team/registry/usage', { token: w.tokens.eve })).json();
    expect(all.repositories.map((r: { path: string }) => r.path)).toEqual(['team/app', 'team/web']);
    expect(outsider.repositories.map((r: { path: string }) => r.path)).toEqual(['team/web']);
    expect(outsider.total_size).toBeLessThan(all.total_size);
  });
});

describe('the cleanup policy routes', () => {
  it('should dry-run unsaved policy fields and delete nothing, for a reporter', async () => {
    const w = await world();
    for (const tag of ['latest', 'a', 'b-master']) await pushImage(w, 'team/app', tag);
    const response = await w.call('/projects/1/registry/cleanup_policy/run', {
      method: 'POST',
      token: w.tokens.rita,
      json: { dry_run: true, enabled: true, keep_n: 1, older_than: '7d', name_regex_delete: '.*', name_regex_keep: '.*-master' },
    });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({ dryRun: true, project: 'team/app' });
    expect(await v2Tags(w, 'team/app')).toEqual(['a', 'b-master', 'latest']);
  });

  it('should run the saved policy for a maintainer and record the run', async () => {
    const w = await world();
    for (const tag of ['latest', 'a', 'b-master']) await pushImage(w, 'team/app', tag);
    const saved = await w.call('/projects/1', {
      method: 'PUT',
      token: w.tokens.mara,
      json: {
        container_expiration_policy_attributes: {
          enabled: true,
          keep_n: 1,
          older_than: '7d',
          name_regex_delete: '.*',
          name_regex_keep: '.*-master',
        },
      },
    });
    expect(saved.status).toBe(200);
    expect((await w.call('/projects/1/registry/cleanup_policy/run', { method: 'POST', token: w.tokens.rita })).status).toBe(403);
    const run = await w.call('/projects/1/registry/cleanup_policy/run', { method: 'POST', token: w.tokens.mara });
    expect(run.status).toBe(200);
    expect((await run.json()).status).toBe('finished');
    const runs = await (await w.call('/projects/1/registry/cleanup_policy/runs', { token: w.tokens.rita })).json();
    expect(runs.runs).toHaveLength(1);
    expect(runs.next_run_at).toMatch(/^\d{4}-/);
  });

  it('should answer 404 for a real run of a project without a policy, and 400 for a bad dry-run pattern', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'a');
    expect((await w.call('/projects/1/registry/cleanup_policy/run', { method: 'POST', token: w.tokens.mara })).status).toBe(404);
    const bad = await w.call('/projects/1/registry/cleanup_policy/run', {
      method: 'POST',
      token: w.tokens.mara,
      json: { dry_run: true, name_regex_delete: '(' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^name_regex_delete is invalid/);
  });
});

describe('POST /registry/gc and GET /registry/gc/:gc_id', () => {
  it('should start a collection for an administrator and report it when done', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    const started = await w.call('/registry/gc?dry_run=true', { method: 'POST', token: w.tokens.root });
    expect(started.status).toBe(202);
    const { id, status } = await started.json();
    expect(status).toBe('running');
    await w.registry.management.background.settled();
    const done = await (await w.call(`/registry/gc/${id}`, { token: w.tokens.root })).json();
    expect(done).toMatchObject({ id, status: 'done', error: null });
    expect(done.report).not.toBeNull();
  });

  it('should refuse everybody else with 403 and answer 404 for an unknown collection', async () => {
    const w = await world();
    expect((await w.call('/registry/gc', { method: 'POST', token: w.tokens.olga })).status).toBe(403);
    expect((await w.call('/registry/gc/nope', { token: w.tokens.root })).status).toBe(404);
    expect((await w.call('/registry/gc', { method: 'POST', token: w.tokens.root, form: { grace: 'forever' } })).status).toBe(400);
  });
});

describe('bad input to the container registry endpoints', () => {
  it('should answer 4xx, never 500', async () => {
    const w = await world();
    await pushImage(w, 'team/app', 'v1');
    const id = repositoryId('team/app');
    const cases: Array<[string, { method?: string; json?: unknown; form?: Record<string, string> }]> = [
      ['/projects/1/registry/repositories?per_page=abc', {}],
      ['/projects/1/registry/repositories?tags=maybe', {}],
      ['/registry/repositories/99999999999999999999', {}],
      [`/projects/1/registry/repositories/${id}/tags?pagination=keyset&cursor=${Buffer.from('42').toString('base64url')}`, {}],
      [`/projects/1/registry/repositories/${id}/tags`, { method: 'DELETE', json: { name_regex_delete: '.*', keep_n: 'many' } }],
      [`/projects/1/registry/repositories/${id}/tags`, { method: 'DELETE', json: { name_regex_delete: ['.*'] } }],
      [`/projects/1/registry/repositories/${id}/rename`, { method: 'POST', json: {} }],
      [`/projects/1/registry/repositories/${id}/rename`, { method: 'POST', json: { name: 42 } }],
      ['/projects/1/registry/cleanup_policy/run', { method: 'POST', json: { dry_run: true, keep_n: 'x' } }],
    ];
    for (const [path, init] of cases) {
      const response = await w.call(path, { token: w.tokens.mara, ...init });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
    expect(await v2Tags(w, 'team/app')).toEqual(['v1']);
  });
});
