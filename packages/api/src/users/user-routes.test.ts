import { describe, expect, it } from 'vitest';
import { PASSWORD, world } from '../test-support.js';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

describe('GET /user', () => {
  it('should answer the caller with the administrator fields', async () => {
    const { call, tokens } = await world();
    const response = await call('/user', { token: tokens.dev });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 4,
      username: 'dev',
      name: 'dev',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: 'http://registry.test/dev',
      is_admin: false,
      external: false,
      two_factor_enabled: false,
    });
    expect((await (await call('/user', { token: tokens.root })).json()).is_admin).toBe(true);
  });

  it('should answer 401 to an anonymous caller and 403 to a CI job token', async () => {
    const { call, store } = await world();
    expect((await call('/user')).status).toBe(401);
    const { token } = await store.startJob({ project: 'team/app', user: 'dev' });
    expect((await call('/user', { headers: { 'JOB-TOKEN': token } })).status).toBe(403);
  });
});

describe('GET /users', () => {
  it('should page through users with GitLab headers and only basic fields for a non-administrator', async () => {
    const { call, tokens } = await world();
    const response = await call('/users?per_page=4&order_by=id&sort=asc', { token: tokens.eve });
    expect(response.status).toBe(200);
    const users = await response.json();
    expect(users.map((u: { username: string }) => u.username)).toEqual(['root', 'olga', 'mara', 'dev']);
    expect(Object.keys(users[0]).sort()).toEqual(['avatar_url', 'id', 'locked', 'name', 'state', 'username', 'web_url']);
    expect(response.headers.get('x-total')).toBe('6');
    expect(response.headers.get('x-total-pages')).toBe('2');
    expect(response.headers.get('x-next-page')).toBe('2');
    expect(response.headers.get('link')).toContain('rel="next"');
  });

  it('should filter by username, search and blocked state, newest first by default', async () => {
    const { call, tokens, store } = await world();
    await store.updateUser('eve', { blocked: true });
    const byName = await (await call('/users?username=MARA', { token: tokens.dev })).json();
    expect(byName.map((u: { username: string }) => u.username)).toEqual(['mara']);
    const search = await (await call('/users?search=r', { token: tokens.dev })).json();
    expect(search.map((u: { username: string }) => u.username)).toEqual(['rita', 'mara', 'root']);
    const blocked = await (await call('/users?blocked=true', { token: tokens.root })).json();
    expect(blocked).toMatchObject([{ username: 'eve', state: 'blocked', is_admin: false }]);
    const active = await (await call('/users?active=true', { token: tokens.root })).json();
    expect(active.map((u: { username: string }) => u.username)).not.toContain('eve');
  });

  it('should refuse the external filter to a non-administrator', async () => {
    const { call, tokens } = await world();
    expect((await call('/users?external=true', { token: tokens.dev })).status).toBe(403);
    expect((await call('/users?external=true', { token: tokens.root })).status).toBe(200);
  });

  it('should answer 400 naming a malformed filter', async () => {
    const { call, tokens } = await world();
    const response = await call('/users?blocked=perhaps', { token: tokens.root });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^blocked is invalid/);
  });
});

describe('GET /users/:id', () => {
  it('should answer a user by numeric id, with administrator fields only for administrators', async () => {
    const { call, tokens } = await world();
    const seen = await (await call('/users/3', { token: tokens.eve })).json();
    expect(seen).toMatchObject({ id: 3, username: 'mara', state: 'active' });
    expect(seen).not.toHaveProperty('is_admin');
    expect(await (await call('/users/3', { token: tokens.root })).json()).toMatchObject({ id: 3, is_admin: false });
  });

  it('should answer 404 User Not Found for an unknown id or a username', async () => {
    const { call, tokens } = await world();
    for (const path of ['/users/99', '/users/mara']) {
      const response = await call(path, { token: tokens.root });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: '404 User Not Found' });
    }
  });
});

describe('POST, PUT and DELETE /users', () => {
  it('should create a user who can then sign in with the password, ignoring e-mail and name', async () => {
    const { call, tokens } = await world();
    const created = await call('/users', {
      method: 'POST',
      token: tokens.root,
      json: {
        username: 'nina',
        password: 'nina-password-1',
        email: 'nina@example.com',
        name: 'Nina N',
        skip_confirmation: true,
        external: true,
      },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 7, username: 'nina', name: 'nina', external: true, is_admin: false, email: null });
    const me = await call('/user', { headers: { Authorization: basic('nina', 'nina-password-1') } });
    expect(me.status).toBe(200);
    expect((await me.json()).username).toBe('nina');
  });

  it('should refuse a non-administrator with 403 and create nothing', async () => {
    const { call, tokens, store } = await world();
    const response = await call('/users', { method: 'POST', token: tokens.olga, json: { username: 'nina', password: 'nina-password-1' } });
    expect(response.status).toBe(403);
    expect((await store.state()).user('nina')).toBeUndefined();
  });

  it('should answer 409 for a username that is taken and 400 for a weak password', async () => {
    const { call, tokens } = await world();
    expect((await call('/users', { method: 'POST', token: tokens.root, json: { username: 'Mara' } })).status).toBe(409);
    const weak = await call('/users', { method: 'POST', token: tokens.root, json: { username: 'nina', password: 'x' } });
    expect(weak.status).toBe(400);
  });

  it('should make a user an administrator and refuse to rename them', async () => {
    const { call, tokens, store } = await world();
    const edited = await call('/users/4', { method: 'PUT', token: tokens.root, form: { admin: 'true' } });
    expect(edited.status).toBe(200);
    expect((await edited.json()).is_admin).toBe(true);
    expect((await store.getUser('dev')).admin).toBe(true);
    const renamed = await call('/users/4', { method: 'PUT', token: tokens.root, json: { username: 'developer' } });
    expect(renamed.status).toBe(400);
  });

  it('should answer 409 rather than take away the last administrator', async () => {
    const { call, tokens, store } = await world();
    expect((await call('/users/1', { method: 'PUT', token: tokens.root, json: { admin: false } })).status).toBe(409);
    expect((await call('/users/1', { method: 'DELETE', token: tokens.root })).status).toBe(409);
    expect((await store.getUser('root')).admin).toBe(true);
  });

  it('should delete a user with 204, after which their token answers 401', async () => {
    const { call, tokens } = await world();
    expect((await call('/users/6', { method: 'DELETE', token: tokens.dev })).status).toBe(403);
    expect((await call('/users/6', { method: 'DELETE', token: tokens.root })).status).toBe(204);
    expect((await call('/users/6', { token: tokens.root })).status).toBe(404);
    expect((await call('/user', { token: tokens.eve })).status).toBe(401);
  });
});

describe('POST /users/:id/block and /unblock', () => {
  it('should block a user so their token and password stop working, and unblock them', async () => {
    const { call, tokens } = await world();
    const blocked = await call('/users/6/block', { method: 'POST', token: tokens.root });
    expect(blocked.status).toBe(201);
    expect(await blocked.json()).toBe(true);
    expect((await call('/user', { token: tokens.eve })).status).toBe(401);
    expect((await call('/user', { headers: { Authorization: basic('eve', PASSWORD) } })).status).toBe(401);
    expect((await (await call('/users/6', { token: tokens.root })).json()).state).toBe('blocked');
    expect((await call('/users/6/unblock', { method: 'POST', token: tokens.root })).status).toBe(201);
    expect((await call('/user', { token: tokens.eve })).status).toBe(200);
  });

  it('should refuse a non-administrator and an unknown user', async () => {
    const { call, tokens } = await world();
    expect((await call('/users/6/block', { method: 'POST', token: tokens.olga })).status).toBe(403);
    expect((await call('/users/99/block', { method: 'POST', token: tokens.root })).status).toBe(404);
  });
});
