import { describe, expect, it } from 'vitest';
import { PASSWORD, world } from '../test-support.js';

const basic = (username: string) => `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString('base64')}`;

// world() makes one `api` token per user, in this order: root 1, olga 2, mara 3, dev 4, rita 5, eve 6.

describe('POST /users/:user_id/personal_access_tokens', () => {
  it('should create a token for a user, answer its secret once, and the secret should work', async () => {
    const { call, tokens } = await world();
    const response = await call('/users/4/personal_access_tokens', {
      method: 'POST',
      token: tokens.root,
      json: { name: 'ci', scopes: ['read_api', 'read_registry'], expires_at: '2999-01-31', description: 'for CI' },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({
      id: 7,
      name: 'ci',
      revoked: false,
      description: null,
      scopes: ['read_api', 'read_registry'],
      user_id: 4,
      last_used_at: null,
      active: true,
      expires_at: '2999-01-31',
    });
    expect(created.token).toMatch(/^\S{20,}$/);
    expect(created.created_at).toMatch(/^\d{4}-/);
    const me = await call('/user', { token: created.token });
    expect((await me.json()).username).toBe('dev');
    const again = await (await call('/personal_access_tokens/7', { token: tokens.root })).json();
    expect(again).not.toHaveProperty('token');
  });

  it('should take the scopes as a form with Rails array notation', async () => {
    const { app, tokens } = await world();
    const response = await app.request('http://registry.test/api/v4/users/4/personal_access_tokens', {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': tokens.root ?? '', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=ci&scopes[]=api&scopes[]=write_registry',
    });
    expect(response.status).toBe(201);
    expect((await response.json()).scopes).toEqual(['api', 'write_registry']);
  });

  it('should refuse a non-administrator, an unknown user, unknown scopes and a past expiry', async () => {
    const { call, tokens } = await world();
    const json = { name: 'x', scopes: ['api'] };
    expect((await call('/users/4/personal_access_tokens', { method: 'POST', token: tokens.dev, json })).status).toBe(403);
    expect((await call('/users/99/personal_access_tokens', { method: 'POST', token: tokens.root, json })).status).toBe(404);
    const scope = await call('/users/4/personal_access_tokens', {
      method: 'POST',
      token: tokens.root,
      json: { name: 'x', scopes: ['sudo'] },
    });
    expect(scope.status).toBe(400);
    expect((await scope.json()).error).toMatch(/^scopes does not have a valid value/);
    const past = await call('/users/4/personal_access_tokens', {
      method: 'POST',
      token: tokens.root,
      json: { ...json, expires_at: '2001-01-01' },
    });
    expect(past.status).toBe(400);
    const missing = await call('/users/4/personal_access_tokens', { method: 'POST', token: tokens.root, json: { name: 'x' } });
    expect((await missing.json()).error).toBe('scopes is missing');
  });

  it('should refuse a read_api token with 403 insufficient_scope', async () => {
    const { call, store } = await world();
    const { secret } = await store.createPersonalAccessToken({ user: 'root', name: 'ro', scopes: ['read_api'] });
    const response = await call('/users/4/personal_access_tokens', { method: 'POST', token: secret, json: { name: 'x', scopes: ['api'] } });
    expect(response.status).toBe(403);
    expect((await response.json()).message).toContain('insufficient_scope');
    expect((await call('/personal_access_tokens', { token: secret })).status).toBe(200);
  });
});

describe('POST /user/personal_access_tokens', () => {
  it('should let a user signed in with the password make their own token', async () => {
    const { call } = await world();
    const response = await call('/user/personal_access_tokens', {
      method: 'POST',
      headers: { Authorization: basic('eve') },
      json: { name: 'mine', scopes: 'read_registry,write_registry' },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({ id: 7, user_id: 6, name: 'mine', scopes: ['read_registry', 'write_registry'], expires_at: null });
    expect(created.token).toEqual(expect.any(String));
  });

  it('should refuse a caller signed in with a token, so a leaked token cannot make lasting ones', async () => {
    const { call, tokens, store } = await world();
    const response = await call('/user/personal_access_tokens', {
      method: 'POST',
      token: tokens.eve,
      json: { name: 'mine', scopes: ['api'] },
    });
    expect(response.status).toBe(403);
    expect((await store.listPersonalAccessTokens('eve')).length).toBe(1);
  });
});

describe('GET /personal_access_tokens', () => {
  it("should list only the caller's own tokens to a non-administrator, and everyone's to an administrator", async () => {
    const { call, tokens, store } = await world();
    await store.createPersonalAccessToken({ user: 'dev', name: 'second', scopes: ['read_registry'] });
    const own = await (await call('/personal_access_tokens', { token: tokens.dev })).json();
    expect(own.map((t: { id: number }) => t.id)).toEqual([7, 4]);
    expect(own.every((t: { user_id: number }) => t.user_id === 4)).toBe(true);
    const all = await call('/personal_access_tokens?per_page=5', { token: tokens.root });
    expect(all.headers.get('x-total')).toBe('7');
    expect(all.headers.get('x-total-pages')).toBe('2');
    expect(all.headers.get('x-next-page')).toBe('2');
    const byUser = await (await call('/personal_access_tokens?user_id=4', { token: tokens.root })).json();
    expect(byUser.map((t: { id: number }) => t.id)).toEqual([7, 4]);
  });

  it('should answer 401 to a non-administrator naming another user', async () => {
    const { call, tokens } = await world();
    expect((await call('/personal_access_tokens?user_id=1', { token: tokens.dev })).status).toBe(401);
    expect((await call('/personal_access_tokens?user_id=4', { token: tokens.dev })).status).toBe(200);
  });

  it('should filter by state, revoked and name', async () => {
    const { call, tokens, store } = await world();
    const { token } = await store.createPersonalAccessToken({ user: 'dev', name: 'Old one', scopes: ['api'] });
    await store.revokePersonalAccessToken(token.id);
    const inactive = await (await call('/personal_access_tokens?state=inactive', { token: tokens.dev })).json();
    expect(inactive).toMatchObject([{ name: 'Old one', active: false, revoked: true }]);
    const revoked = await (await call('/personal_access_tokens?revoked=false', { token: tokens.dev })).json();
    expect(revoked.map((t: { name: string }) => t.name)).toEqual(['api']);
    const search = await (await call('/personal_access_tokens?search=old', { token: tokens.dev })).json();
    expect(search.map((t: { name: string }) => t.name)).toEqual(['Old one']);
    expect((await call('/personal_access_tokens?state=asleep', { token: tokens.dev })).status).toBe(400);
  });
});

describe('GET /personal_access_tokens/:id and /self', () => {
  it('should answer the token of the request at /self', async () => {
    const { call, tokens } = await world();
    const response = await call('/personal_access_tokens/self', { token: tokens.mara });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 3, user_id: 3, name: 'api', scopes: ['api'], active: true });
  });

  it('should let a token of any scope read and revoke itself, as GitLab does', async () => {
    const { call, store } = await world();
    const dev = await store.getUser('dev');
    const { secret } = await store.createPersonalAccessToken({ user: dev.id, name: 'pull', scopes: ['read_registry'] });
    const self = await call('/personal_access_tokens/self', { token: secret });
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ name: 'pull', scopes: ['read_registry'] });
    expect((await call('/personal_access_tokens', { token: secret })).status).toBe(403);
    expect((await call('/personal_access_tokens/self', { method: 'DELETE', token: secret })).status).toBe(204);
    expect((await call('/personal_access_tokens/self', { token: secret })).status).toBe(401);
  });

  it("should answer 401 for another user's token to a non-administrator, and 404 for a missing one to an administrator", async () => {
    const { call, tokens } = await world();
    expect((await call('/personal_access_tokens/4', { token: tokens.dev })).status).toBe(200);
    expect((await call('/personal_access_tokens/1', { token: tokens.dev })).status).toBe(401);
    expect((await call('/personal_access_tokens/99', { token: tokens.dev })).status).toBe(401);
    expect((await call('/personal_access_tokens/1', { token: tokens.root })).status).toBe(200);
    const missing = await call('/personal_access_tokens/99', { token: tokens.root });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404 Personal Access Token Not Found' });
  });
});

describe('DELETE /personal_access_tokens/:id and /self', () => {
  it('should revoke a token with 204, after which it answers 401 on its next call', async () => {
    const { call, tokens } = await world();
    expect((await call('/personal_access_tokens/4', { method: 'DELETE', token: tokens.root })).status).toBe(204);
    expect((await call('/user', { token: tokens.dev })).status).toBe(401);
    const listed = await (await call('/personal_access_tokens/4', { token: tokens.root })).json();
    expect(listed).toMatchObject({ revoked: true, active: false });
  });

  it('should revoke the token of the request at /self', async () => {
    const { call, tokens } = await world();
    expect((await call('/personal_access_tokens/self', { method: 'DELETE', token: tokens.rita })).status).toBe(204);
    expect((await call('/personal_access_tokens/self', { token: tokens.rita })).status).toBe(401);
  });

  it("should refuse to revoke another user's token with 400 and leave it working", async () => {
    const { call, tokens } = await world();
    const response = await call('/personal_access_tokens/1', { method: 'DELETE', token: tokens.dev });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toBe('400 Bad request - Not permitted to revoke');
    expect((await call('/user', { token: tokens.root })).status).toBe(200);
    expect((await call('/personal_access_tokens/99', { method: 'DELETE', token: tokens.dev })).status).toBe(404);
    expect((await call('/personal_access_tokens/abc', { method: 'DELETE', token: tokens.dev })).status).toBe(400);
  });
});

describe('POST /personal_access_tokens/:id/rotate and /self/rotate', () => {
  it('should revoke the old token and answer a new one with the same name and scopes, expiring in a week', async () => {
    const { call, tokens } = await world();
    const response = await call('/personal_access_tokens/4/rotate', { method: 'POST', token: tokens.dev });
    expect(response.status).toBe(200);
    const rotated = await response.json();
    expect(rotated).toMatchObject({ id: 7, name: 'api', scopes: ['api'], user_id: 4, active: true, revoked: false });
    const days = (Date.parse(rotated.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6);
    expect(days).toBeLessThanOrEqual(7);
    expect((await call('/user', { token: tokens.dev })).status).toBe(401);
    expect((await (await call('/user', { token: rotated.token })).json()).username).toBe('dev');
  });

  it('should rotate the token of the request at /self with the expiry asked for', async () => {
    const { call, tokens } = await world();
    const response = await call('/personal_access_tokens/self/rotate', {
      method: 'POST',
      token: tokens.eve,
      json: { expires_at: '2999-12-31' },
    });
    expect(response.status).toBe(200);
    const rotated = await response.json();
    expect(rotated.expires_at).toBe('2999-12-31');
    expect((await call('/user', { token: rotated.token })).status).toBe(200);
  });

  it("should refuse to rotate a revoked token with 400, and another user's with 401", async () => {
    const { call, tokens, store } = await world();
    const { token } = await store.createPersonalAccessToken({ user: 'dev', name: 'old', scopes: ['api'] });
    await store.revokePersonalAccessToken(token.id);
    const revoked = await call('/personal_access_tokens/7/rotate', { method: 'POST', token: tokens.dev });
    expect(revoked.status).toBe(400);
    expect((await call('/personal_access_tokens/1/rotate', { method: 'POST', token: tokens.dev })).status).toBe(401);
    expect((await call('/user', { token: tokens.root })).status).toBe(200);
  });
});
