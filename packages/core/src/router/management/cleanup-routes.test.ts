import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pushImage } from '../../test-support/fixtures.js';

function setup() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const registry = createRegistry({ storage: new MemoryStorage(), now: () => new Date(t) });
  const host = new Hono();
  host.route('/api', registry.managementRoutes());
  host.route('/', registry.app);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await host.request(`/api${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const at = (iso: string) => {
    t = Date.parse(iso);
  };
  return { host, call, at };
}
const project = encodeURIComponent('team/app');
const repo = encodeURIComponent('team/app/api');

describe('cleanup and bulk-delete routes', () => {
  it('should refuse an invalid pattern naming the field, and store a valid policy', async () => {
    const { call } = setup();
    const bad = await call('PUT', `/projects/${project}/cleanup_policy`, { enabled: true, name_regex: '(a' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('name_regex');
    const bad2 = await call('PUT', `/projects/${project}/cleanup_policy`, { keep_n: 7 });
    expect(bad2.status).toBe(400);
    expect(JSON.stringify(bad2.body)).toContain('keep_n');
    const ok = await call('PUT', `/projects/${project}/cleanup_policy`, { enabled: true, keep_n: 1, older_than: '7d', name_regex: 'v.+' });
    expect(ok.status).toBe(200);
    expect((await call('GET', `/projects/${project}/cleanup_policy`)).body).toMatchObject({ project: 'team/app' });
  });

  it('should answer 404 for a project without a policy', async () => {
    const { call } = setup();
    expect((await call('GET', `/projects/${project}/cleanup_policy`)).status).toBe(404);
    expect((await call('DELETE', `/projects/${project}/cleanup_policy`)).status).toBe(404);
  });

  it('should dry-run and then run a policy, recording the run', async () => {
    const { host, call, at } = setup();
    for (const [i, tag] of ['v1', 'v2', 'v3', 'latest', 'main'].entries()) {
      at(`2026-01-0${i + 1}T00:00:00Z`);
      await pushImage(host, 'team/app/api', tag);
    }
    at('2026-03-01T00:00:00Z');
    expect((await call('PUT', `/projects/${project}/cleanup_policy`, { enabled: true, keep_n: 1, older_than: '7d', name_regex: 'v.+' })).status).toBe(200);
    const dry = await call('POST', `/projects/${project}/cleanup_policy/run?dry_run=true`);
    expect(dry.status).toBe(200);
    expect(dry.body.deleted).toEqual([]);
    expect(JSON.stringify(dry.body.plans)).toContain('v1');
    const run = await call('POST', `/projects/${project}/cleanup_policy/run`);
    expect(run.body.status).toBe('finished');
    expect((run.body.deleted as { tag: string }[]).map((d) => d.tag).sort()).toEqual(['v1', 'v2']);
    const tags = (await (await host.request('/v2/team/app/api/tags/list')).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['latest', 'main', 'v3']);
    const runs = await call('GET', `/projects/${project}/cleanup_policy/runs`);
    expect((runs.body.runs as unknown[]).length).toBe(1);
  });

  it("should bulk-delete with GitLab's parameters, never deleting latest", async () => {
    const { host, call, at } = setup();
    for (const [i, tag] of ['v1', 'v2', 'latest', 'keep-me'].entries()) {
      at(`2026-01-0${i + 1}T00:00:00Z`);
      await pushImage(host, 'team/app/api', tag);
    }
    const bad = await call('DELETE', `/repositories/${repo}/tags`, { name_regex_delete: '[' });
    expect(bad.status).toBe(400);
    const res = await call('DELETE', `/repositories/${repo}/tags`, { name_regex_delete: '.*', name_regex_keep: 'keep-.*' });
    expect(res.status).toBe(200);
    expect((res.body.deleted as string[]).sort()).toEqual(['v1', 'v2']);
    const tags = (await (await host.request('/v2/team/app/api/tags/list')).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['keep-me', 'latest']);
  });
});
