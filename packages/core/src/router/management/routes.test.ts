import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../hooks.js';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pushImage } from '../../test-support/fixtures.js';
import type { ManagementAuthorizer } from './routes.js';

function setup(authorize?: ManagementAuthorizer) {
  const registry = createRegistry({ storage: new MemoryStorage() });
  const host = new Hono();
  host.route('/api/registry', registry.managementRoutes(authorize ? { authorize } : {}));
  host.route('/', registry.app);
  const api = (path: string, init?: RequestInit) => host.request(`/api/registry${path}`, init);
  return { registry, host, api };
}
const enc = encodeURIComponent;
const json = { 'Content-Type': 'application/json' };

describe('management routes', () => {
  it('should list repositories with a Link to the next page', async () => {
    const { host, api } = setup();
    for (const name of ['team/a', 'team/b', 'team/c']) await pushImage(host, name, 'v1');
    const res = await api('/repositories?prefix=team&per_page=2');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { repositories: { name: string; tags_count: number; size: number }[]; next: string };
    expect(body.repositories.map((r) => r.name)).toEqual(['team/a', 'team/b']);
    expect(body.repositories[0]?.tags_count).toBe(1);
    expect(body.repositories[0]?.size).toBeGreaterThan(0);
    expect(res.headers.get('link')).toContain('rel="next"');
    const second = (await (await api(`/repositories?prefix=team&per_page=2&cursor=${body.next}`)).json()) as { repositories: { name: string }[]; next: null };
    expect(second.repositories.map((r) => r.name)).toEqual(['team/c']);
    expect(second.next).toBeNull();
  });

  it('should list, show and delete tags of a repository named by its URL-encoded path', async () => {
    const { host, api } = setup();
    const { digest } = await pushImage(host, 'team/app', 'v1');
    await pushImage(host, 'team/app', 'v2');
    const tags = (await (await api(`/repositories/${enc('team/app')}/tags?sort=name&order=desc`)).json()) as { tags: { name: string }[] };
    expect(tags.tags.map((t) => t.name)).toEqual(['v2', 'v1']);
    const one = (await (await api(`/repositories/${enc('team/app')}/tags/v1`)).json()) as { digest: string; total_size: number };
    expect(one.digest).toBe(digest);
    expect(one.total_size).toBeGreaterThan(0);
    expect((await api(`/repositories/${enc('team/app')}/tags/v1`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/repositories/${enc('team/app')}/tags/v1`)).status).toBe(404);
  });

  it('should bulk-delete tags from a JSON body', async () => {
    const { host, api } = setup();
    for (const tag of ['a', 'b']) await pushImage(host, 'team/app', tag);
    const res = await api(`/repositories/${enc('team/app')}/tags`, { method: 'DELETE', body: JSON.stringify({ tags: ['a', 'nope'] }), headers: { 'Content-Type': 'application/json' } });
    expect(await res.json()).toEqual({ deleted: ['a'], not_found: ['nope'], failed: [] });
  });

  it('should delete a repository with 202 and a job to poll', async () => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const res = await api(`/repositories/${enc('team/app')}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; status: string };
    expect(res.headers.get('location')).toBe(`/api/registry/deletions/${job.id}`);
    let status = job.status;
    for (let i = 0; i < 50 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = ((await (await api(`/deletions/${job.id}`)).json()) as { status: string }).status;
    }
    expect(status).toBe('done');
  });

  it('should rename a repository from a JSON body', async () => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const res = await api(`/repositories/${enc('team/app')}/rename`, { method: 'POST', body: JSON.stringify({ to: 'team/renamed' }), headers: json });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { to: string }).to).toBe('team/renamed');
    expect((await host.request('/v2/team/renamed/tags/list')).status).toBe(200);
    const bad = await api(`/repositories/${enc('team/renamed')}/rename`, { method: 'POST', body: '{"to": 5}', headers: json });
    expect(bad.status).toBe(400);
  });

  it('should run a garbage collection in the background and report it', async () => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const res = await api('/gc?dry_run=true&grace=0', { method: 'POST' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let run: { status: string; report: { dryRun?: boolean } | null } = { status: 'running', report: null };
    for (let i = 0; i < 400 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      run = (await (await api(`/gc/${id}`)).json()) as typeof run;
    }
    expect(run.status).toBe('done');
    expect(run.report?.dryRun).toBe(true);
    expect((await api('/gc?grace=soon', { method: 'POST' })).status).toBe(400);
  });

  it.each([
    ['an unknown sort', '/repositories?sort=size', 'PARAMETER_INVALID'],
    ['a page size of 0', '/repositories?per_page=0', 'PAGINATION_NUMBER_INVALID'],
    ['a bad cursor', '/repositories?cursor=xyz', 'PAGINATION_NUMBER_INVALID'],
    ['an invalid prefix', `/repositories?prefix=${enc('Team/../x')}`, 'NAME_INVALID'],
    ['an unknown route', '/nothing', 'NOT_FOUND'],
  ])('should refuse %s with a 4xx error body', async (_why, path, code) => {
    const { api } = setup();
    const res = await api(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(code);
  });

  it('should show only repositories the caller may pull, and refuse deletes without the delete action', async () => {
    const authorize: ManagementAuthorizer = async (_request, wanted) =>
      wanted.flatMap((w): AccessRequest[] => (w.name.startsWith('team/open') && w.actions.includes('pull') ? [w] : []));
    const { host, api } = setup(authorize);
    await pushImage(host, 'team/open', 'v1');
    await pushImage(host, 'team/secret', 'v1');
    const list = (await (await api('/repositories')).json()) as { repositories: { name: string }[] };
    expect(list.repositories.map((r) => r.name)).toEqual(['team/open']);
    expect((await api(`/repositories/${enc('team/secret')}/tags`)).status).toBe(403);
    expect((await api(`/repositories/${enc('team/open')}/tags/v1`, { method: 'DELETE' })).status).toBe(403);
  });
});
