import { LoginThrottle } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, PASSWORD, seedWorld, tempDirs } from '../test-support.js';
import { createAdminApi } from './admin-api.js';
import { basic, client } from './test-client.js';

const tempDir = tempDirs();

async function setup(options: Parameters<typeof createAdminApi>[1] = {}) {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const app = createAdminApi(store, options);
  return { store, app, root: client(app, 'root', PASSWORD), dev: client(app, 'dev', PASSWORD) };
}

describe('admin API: authentication', () => {
  it('should answer 401 with a Basic challenge without credentials or with wrong ones', async () => {
    const { app } = await setup();
    const none = await app.request('/users');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await none.json()).toEqual({ message: expect.stringMatching(/HTTP Basic/) });
    expect((await client(app, 'root', 'wrong-password')('GET', '/users')).status).toBe(401);
    expect((await app.request('/users', { headers: { authorization: 'Basic !!!' } })).status).toBe(401);
    expect((await app.request('/users', { headers: { authorization: basic('', 'x') } })).status).toBe(401);
  });

  it('should accept an admin personal access token with the api scope, and refuse one without', async () => {
    const { store, app } = await setup();
    const api = await store.createPersonalAccessToken({ user: 'root', name: 'admin', scopes: ['api'] });
    const ro = await store.createPersonalAccessToken({ user: 'root', name: 'ro', scopes: ['read_registry'] });
    expect((await client(app, 'root', api.secret)('GET', '/users')).status).toBe(200);
    const refused = await client(app, 'root', ro.secret)('GET', '/users');
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringMatching(/"api" scope/) } });
  });

  it('should refuse the password of an admin with 2FA, but take their api token', async () => {
    const { store, app } = await setup();
    await store.updateUser('root', { twoFactor: true });
    expect((await client(app, 'root', PASSWORD)('GET', '/users')).status).toBe(401);
    const { secret } = await store.createPersonalAccessToken({ user: 'root', name: 'admin', scopes: ['api'] });
    expect((await client(app, 'root', secret)('GET', '/users')).status).toBe(200);
  });

  it('should refuse deploy tokens and job tokens', async () => {
    const { store, app } = await setup();
    const dt = await store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    const job = await store.startJob({ project: 'team/app', user: 'root' });
    expect((await client(app, dt.token.username, dt.secret)('GET', '/user')).status).toBe(403);
    expect((await client(app, 'gitlab-ci-token', job.token)('GET', '/user')).status).toBe(403);
  });

  it('should count failed logins in the shared throttle and answer 429 while locked', async () => {
    const throttle = new LoginThrottle({ freeFailures: 2 });
    const failed: string[] = [];
    const { app } = await setup({ throttle, onFailedLogin: (a) => failed.push(a.username) });
    const wrong = client(app, 'root', 'wrong-password');
    expect((await wrong('GET', '/users')).status).toBe(401);
    expect((await wrong('GET', '/users')).status).toBe(401);
    expect((await wrong('GET', '/users')).status).toBe(401);
    expect(failed).toEqual(['root', 'root', 'root']);
    expect(throttle.retryAfterMs('root')).toBeGreaterThan(0);
    const locked = await client(app, 'root', PASSWORD)('GET', '/users');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
  });

  it('should answer 404 JSON for unknown routes', async () => {
    const { root } = await setup();
    expect(await root('GET', '/nope')).toMatchObject({ status: 404, body: { message: 'no route GET /nope' } });
  });
});

describe('admin API: users', () => {
  it('should create, list, read, update and delete users', async () => {
    const { root } = await setup();
    const created = await root('POST', '/users', { username: 'alice', password: 'password-1', two_factor: true });
    expect(created).toMatchObject({ status: 201, body: { username: 'alice', two_factor: true, state: 'active', has_password: true } });
    const id = (created.body as { id: string }).id;
    expect((await root('GET', '/users')).body).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'alice' })]));
    expect(await root('GET', `/users/${id}`)).toMatchObject({ status: 200, body: { id } });
    expect(await root('GET', '/users/alice')).toMatchObject({ status: 200, body: { id } });
    expect(await root('PATCH', `/users/${id}`, { blocked: true })).toMatchObject({ status: 200, body: { state: 'blocked' } });
    expect((await root('DELETE', `/users/${id}`)).status).toBe(204);
    expect(await root('GET', `/users/${id}`)).toMatchObject({ status: 404, body: { message: expect.stringMatching(/no user/) } });
  });

  it('should answer 400 for bad bodies, naming the problem', async () => {
    const { root } = await setup();
    expect(await root('POST', '/users', 'not json')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/JSON/) } });
    expect(await root('POST', '/users', { username: 5 })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^username: /) },
    });
    expect(await root('POST', '/users', { username: 'x1', admn: true })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/admn/) },
    });
    expect(await root('POST', '/users', { username: '-x' })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/starts with "-"/) },
    });
    expect(await root('POST', '/users', { username: 'x1', password: 'short' })).toMatchObject({ status: 400 });
    expect(await root('POST', '/users', [])).toMatchObject({ status: 400 });
  });

  it('should answer 409 for a taken username and for removing the last admin', async () => {
    const { root } = await setup();
    expect(await root('POST', '/users', { username: 'DEV' })).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/taken/) },
    });
    expect(await root('PATCH', '/users/root', { admin: false })).toMatchObject({ status: 409 });
  });

  it('should answer 403 to non-admins for user management', async () => {
    const { dev } = await setup();
    expect(await dev('GET', '/users')).toMatchObject({ status: 403, body: { message: expect.stringMatching(/administrator/) } });
    expect((await dev('POST', '/users', { username: 'x1' })).status).toBe(403);
    expect((await dev('PATCH', '/users/dev', { admin: true })).status).toBe(403);
    expect(await dev('GET', '/user')).toMatchObject({ status: 200, body: { username: 'dev' } });
  });
});

describe('admin API: personal access tokens', () => {
  it('should let users create, list and revoke their own tokens, with the secret shown once', async () => {
    const { app, dev } = await setup();
    const created = await dev('POST', '/users/dev/personal_access_tokens', {
      name: 'laptop',
      scopes: ['read_registry', 'api'],
      expires_at: '2099-01-01',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'laptop', scopes: ['read_registry', 'api'], active: true, token: expect.stringMatching(/^wharf_pat_/) },
    });
    const { id, token } = created.body as { id: string; token: string };
    const listed = await dev('GET', '/users/dev/personal_access_tokens');
    expect(listed.body).toEqual([expect.objectContaining({ id, active: true })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // The new token works for the admin API itself (it has the api scope).
    expect((await client(app, 'dev', token)('GET', '/user')).status).toBe(200);
    expect((await dev('DELETE', `/personal_access_tokens/${id}`)).status).toBe(204);
    expect((await client(app, 'dev', token)('GET', '/user')).status).toBe(401);
  });

  it("should keep users away from other users' tokens", async () => {
    const { store, dev, root } = await setup();
    const other = await store.createPersonalAccessToken({ user: 'mara', name: 'x', scopes: ['api'] });
    expect((await dev('POST', '/users/mara/personal_access_tokens', { name: 'x', scopes: ['api'] })).status).toBe(404);
    expect((await dev('GET', '/users/mara/personal_access_tokens')).status).toBe(404);
    expect((await dev('DELETE', `/personal_access_tokens/${other.token.id}`)).status).toBe(404);
    expect((await root('DELETE', `/personal_access_tokens/${other.token.id}`)).status).toBe(204);
  });

  it('should refuse bad scopes and past expiry dates with 400', async () => {
    const { dev } = await setup();
    expect((await dev('POST', '/users/dev/personal_access_tokens', { name: 'x', scopes: ['sudo'] })).status).toBe(400);
    expect((await dev('POST', '/users/dev/personal_access_tokens', { name: 'x', scopes: [] })).status).toBe(400);
    expect((await dev('POST', '/users/dev/personal_access_tokens', { name: 'x', scopes: ['api'], expires_at: '2000-01-01' })).status).toBe(
      400,
    );
    expect((await dev('POST', '/users/dev/personal_access_tokens', { name: 'x', scopes: ['api'], expires_at: 'soon' })).status).toBe(400);
  });

  it('should answer a non-admin the same for another user and for a user that does not exist', async () => {
    const { dev } = await setup();
    for (const method of ['GET', 'POST'] as const) {
      const body = method === 'POST' ? { name: 'x', scopes: ['api'] } : undefined;
      const existing = await dev(method, '/users/mara/personal_access_tokens', body);
      const missing = await dev(method, '/users/nobody/personal_access_tokens', body);
      expect(existing).toMatchObject({ status: 404, body: { message: 'no user "mara"' } });
      expect(missing).toMatchObject({ status: 404, body: { message: 'no user "nobody"' } });
    }
  });

  it('should answer 404 for tokens of unknown users and unknown tokens', async () => {
    const { root } = await setup();
    expect((await root('GET', '/users/nobody/personal_access_tokens')).status).toBe(404);
    expect((await root('DELETE', '/personal_access_tokens/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });
});

describe('admin API: mounted', () => {
  it('should keep its JSON errors when mounted under /api/v1 in a host app', async () => {
    const { Hono } = await import('hono');
    const { app: admin } = await setup();
    const host = new Hono();
    host.route('/api/v1', admin);
    host.get('/', (c) => c.text('host'));
    const unauthenticated = await host.request('/api/v1/users');
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ message: expect.any(String) });
    const root = client(host, 'root', PASSWORD);
    expect(await root('GET', '/api/v1/users/nobody')).toMatchObject({ status: 404, body: { message: 'no user "nobody"' } });
    expect(await root('GET', '/api/v1/nope')).toMatchObject({ status: 404, body: { message: 'no route GET /api/v1/nope' } });
    expect((await root('GET', '/api/v1/projects/team%2Fapp')).status).toBe(200);
    expect(await (await host.request('/')).text()).toBe('host');
  });
});
