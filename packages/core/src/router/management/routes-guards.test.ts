import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../hooks.js';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pushImage } from '../../test-support/fixtures.js';
import type { ManagementAuthorizer, ManagementRoutesOptions } from './routes.js';

function setup(options: ManagementRoutesOptions = {}) {
  const registry = createRegistry({ storage: new MemoryStorage() });
  const host = new Hono();
  host.route('/api/registry', registry.managementRoutes(options));
  host.route('/', registry.app);
  const api = (path: string, init?: RequestInit) => host.request(`http://registry.test/api/registry${path}`, init);
  return { registry, host, api };
}
const enc = encodeURIComponent;
const json = { 'Content-Type': 'application/json' };
const codeOf = async (res: Response) => ((await res.json()) as { errors: { code: string }[] }).errors[0]?.code;

/** Grants everything on repositories under `team/open`, nothing else. */
const openOnly: ManagementAuthorizer = async (_request, wanted) =>
  wanted.filter((w): w is AccessRequest => w.type === 'repository' && w.name.startsWith('team/open'));

describe('management routes: request bodies', () => {
  it('should refuse a JSON body sent as text/plain with 415, as a cross-site form would send it', async () => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const res = await api(`/repositories/${enc('team/app')}/tags`, {
      method: 'DELETE',
      body: '{"tags":["v1"]}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(await codeOf(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await host.request('/v2/team/app/manifests/v1')).status).toBe(200);
  });

  it('should refuse a body over 64 KiB with 413, whatever the route', async () => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const big = JSON.stringify({ to: 'x'.repeat(70 * 1024) });
    for (const [method, path] of [
      ['POST', `/repositories/${enc('team/app')}/rename`],
      ['DELETE', `/repositories/${enc('team/app')}/tags`],
      ['PUT', `/projects/${enc('team/app')}/cleanup_policy`],
      ['POST', `/projects/${enc('team/app')}/cleanup_policy/run?dry_run=true`],
    ] as const) {
      const res = await api(path, { method, body: big, headers: json });
      expect(res.status, `${method} ${path}`).toBe(413);
      expect(await codeOf(res)).toBe('BODY_TOO_LARGE');
    }
  });

  it('should refuse non-JSON bodies and dangerous keys with 400, never 500', async () => {
    const { api } = setup();
    const project = `/projects/${enc('team/app')}/cleanup_policy`;
    for (const body of [
      '{"enabled": tru',
      '{"__proto__":{"enabled":true}}',
      '{"constructor":{"prototype":{}}}',
      '{"prototype":1}',
      '[]',
      '"x"',
    ]) {
      const res = await api(project, { method: 'PUT', body, headers: json });
      expect(res.status, body).toBe(400);
    }
    const bulk = await api(`/repositories/${enc('team/app')}/tags`, {
      method: 'DELETE',
      body: '{"__proto__":{"tags":["v1"]}}',
      headers: json,
    });
    expect(bulk.status).toBe(400);
  });

  it('should name a few unknown keys and count the rest, keeping the error small', async () => {
    const { api } = setup();
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}-${'y'.repeat(20)}`, 1])));
    const res = await api(`/projects/${enc('team/app')}/cleanup_policy`, { method: 'PUT', body, headers: json });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('and 1995 more');
    expect(text.length).toBeLessThan(2000);
  });

  it('should still run a cleanup without a body, or dry-run one given as JSON', async () => {
    const { api } = setup();
    const run = `/projects/${enc('team/app')}/cleanup_policy/run?dry_run=true`;
    expect((await api(run, { method: 'POST', body: '{"keep_n":5}', headers: json })).status).toBe(200);
    expect((await api(run, { method: 'POST', body: '{"keep_n":5}', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    expect(
      (await api(`/projects/${enc('team/app')}/cleanup_policy`, { method: 'PUT', body: '{"enabled":true}', headers: json })).status,
    ).toBe(200);
    expect((await api(run, { method: 'POST' })).status).toBe(200);
  });
});

describe('management routes: cross-site requests', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
    ['a foreign Origin', { Origin: 'https://evil.example' }],
  ])('should refuse a state change with %s (403 DENIED) and change nothing', async (_why, headers) => {
    const { host, api } = setup();
    await pushImage(host, 'team/app', 'v1');
    const res = await api(`/repositories/${enc('team/app')}/tags/v1`, { method: 'DELETE', headers });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('DENIED');
    expect((await host.request('/v2/team/app/manifests/v1')).status).toBe(200);
  });

  it('should allow same-origin pages, trusted origins, tools without browser headers, and cross-site reads', async () => {
    const { host, api } = setup({ trustedOrigins: ['https://ui.example'] });
    for (const tag of ['a', 'b', 'c']) await pushImage(host, 'team/app', tag);
    const del = (tag: string, headers: Record<string, string>) =>
      api(`/repositories/${enc('team/app')}/tags/${tag}`, { method: 'DELETE', headers });
    expect((await del('a', { Origin: 'http://registry.test', 'Sec-Fetch-Site': 'same-origin' })).status).toBe(204);
    expect((await del('b', { Origin: 'https://ui.example' })).status).toBe(204);
    expect((await del('c', {})).status).toBe(204);
    expect((await api('/repositories', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
  });
});

describe('management routes: deletion jobs', () => {
  it("should answer 404 for another caller's deletion job, like an unknown id", async () => {
    let caller: 'admin' | 'stranger' = 'admin';
    const authorize: ManagementAuthorizer = async (request, wanted) => (caller === 'admin' ? wanted : openOnly(request, wanted, undefined));
    const { host, api } = setup({ authorize });
    await pushImage(host, 'team/secret', 'v1');
    const started = await api(`/repositories/${enc('team/secret')}`, { method: 'DELETE' });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    expect((await api(`/deletions/${id}`)).status).toBe(200);
    caller = 'stranger';
    const hidden = await api(`/deletions/${id}`);
    const unknown = await api('/deletions/01J0000000000000000000000');
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await hidden.text()).toBe(await unknown.text());
  });
});
