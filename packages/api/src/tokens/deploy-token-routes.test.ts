import { checkPasswordCredentials } from '@wharf/access';
import { describe, expect, it } from 'vitest';
import { type World, world } from '../test-support.js';

/** What the registry's login would make of a username and secret. */
async function login(w: World, username: string, secret: string) {
  return checkPasswordCredentials({ state: await w.store.state(), now: w.store.now(), passwordCost: 10 }, username, secret);
}

describe('POST /projects/:id/deploy_tokens', () => {
  it('should create a deploy token for a maintainer, answer its secret once, and the token should log in to the registry', async () => {
    const w = await world();
    const response = await w.call('/projects/team%2Fapp/deploy_tokens', {
      method: 'POST',
      token: w.tokens.mara,
      json: { name: 'deployer', scopes: ['read_registry'], expires_at: '2999-01-01T00:00:00Z', username: 'deploy-app' },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({
      id: 1,
      name: 'deployer',
      username: 'deploy-app',
      expires_at: '2999-01-01T00:00:00.000Z',
      revoked: false,
      expired: false,
      scopes: ['read_registry'],
    });
    expect(typeof created.token).toBe('string');
    expect(await login(w, 'deploy-app', created.token)).toMatchObject({ kind: 'deploy-token', token: { number: 1 } });
    const shown = await (await w.call('/projects/1/deploy_tokens/1', { token: w.tokens.mara })).json();
    expect(shown).not.toHaveProperty('token');
  });

  it('should refuse a developer with 403, an outsider with 404, and a deploy token on the REST API with 401', async () => {
    const w = await world();
    const json = { name: 'd', scopes: ['read_registry'] };
    expect((await w.call('/projects/1/deploy_tokens', { method: 'POST', token: w.tokens.dev, json })).status).toBe(403);
    expect((await w.call('/projects/1/deploy_tokens', { method: 'POST', token: w.tokens.eve, json })).status).toBe(404);
    const { secret } = await w.store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    expect((await w.call('/projects/1/deploy_tokens', { token: secret })).status).toBe(401);
  });

  it('should name bad scopes and a missing name with 400', async () => {
    const w = await world();
    const scope = await w.call('/projects/1/deploy_tokens', {
      method: 'POST',
      token: w.tokens.mara,
      json: { name: 'd', scopes: ['read_repository'] },
    });
    expect(scope.status).toBe(400);
    expect((await scope.json()).error).toMatch(/^scopes does not have a valid value/);
    const name = await w.call('/projects/1/deploy_tokens', { method: 'POST', token: w.tokens.mara, json: { scopes: ['read_registry'] } });
    expect((await name.json()).error).toBe('name is missing');
  });

  it('should answer 409 for a deploy token username that is taken', async () => {
    const w = await world();
    const json = { name: 'd', scopes: ['read_registry'], username: 'same' };
    expect((await w.call('/projects/1/deploy_tokens', { method: 'POST', token: w.tokens.mara, json })).status).toBe(201);
    expect((await w.call('/projects/1/deploy_tokens', { method: 'POST', token: w.tokens.mara, json })).status).toBe(409);
  });
});

describe('GET and DELETE /projects/:id/deploy_tokens', () => {
  it("should list a project's tokens with pagination headers, and revoke one with 204 so it no longer logs in", async () => {
    const w = await world();
    const first = await w.store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    await w.store.createDeployToken({ project: 'team/app', scopes: ['write_registry'] });
    await w.store.createDeployToken({ project: 'team/web', scopes: ['read_registry'] });
    const list = await w.call('/projects/1/deploy_tokens?per_page=1', { token: w.tokens.mara });
    expect(list.status).toBe(200);
    expect((await list.json()).map((t: { id: number }) => t.id)).toEqual([1]);
    expect(list.headers.get('x-total')).toBe('2');
    expect(list.headers.get('x-next-page')).toBe('2');
    expect((await w.call('/projects/1/deploy_tokens/1', { method: 'DELETE', token: w.tokens.mara })).status).toBe(204);
    expect(await login(w, first.token.username, first.secret)).toBeNull();
    const active = await (await w.call('/projects/1/deploy_tokens?active=true', { token: w.tokens.mara })).json();
    expect(active.map((t: { id: number }) => t.id)).toEqual([2]);
    const revoked = await (await w.call('/projects/1/deploy_tokens/1', { token: w.tokens.mara })).json();
    expect(revoked.revoked).toBe(true);
  });

  it("should answer 404 Deploy Token Not Found for another project's token or an unknown id", async () => {
    const w = await world();
    await w.store.createDeployToken({ project: 'team/web', scopes: ['read_registry'] });
    for (const path of ['/projects/1/deploy_tokens/1', '/projects/1/deploy_tokens/9']) {
      const response = await w.call(path, { method: 'DELETE', token: w.tokens.mara });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Deploy Token Not Found' });
    }
  });
});

describe('deploy tokens of groups', () => {
  it("should create a group token for the group's owner that logs in, and list it for the group only", async () => {
    const w = await world();
    const response = await w.call('/groups/team/deploy_tokens', {
      method: 'POST',
      token: w.tokens.olga,
      form: { name: 'g', 'scopes[]': 'read_registry' },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(await login(w, created.username, created.token)).toMatchObject({ kind: 'deploy-token' });
    const listed = await (await w.call('/groups/1/deploy_tokens', { token: w.tokens.olga })).json();
    expect(listed.map((t: { name: string }) => t.name)).toEqual(['g']);
    expect((await w.call('/projects/1/deploy_tokens', { token: w.tokens.mara })).headers.get('x-total')).toBe('0');
    expect((await w.call('/groups/1/deploy_tokens', { token: w.tokens.rita })).status).toBe(403);
    expect((await w.call(`/groups/1/deploy_tokens/${created.id}`, { method: 'DELETE', token: w.tokens.olga })).status).toBe(204);
  });
});

describe('GET /deploy_tokens', () => {
  it('should list every deploy token to an administrator and refuse anyone else', async () => {
    const w = await world();
    await w.store.createDeployToken({ project: 'team/app', scopes: ['read_registry'] });
    await w.store.createDeployToken({ group: 'other', scopes: ['read_registry'] });
    const all = await w.call('/deploy_tokens', { token: w.tokens.root });
    expect(all.status).toBe(200);
    expect((await all.json()).map((t: { id: number }) => t.id)).toEqual([1, 2]);
    expect((await w.call('/deploy_tokens', { token: w.tokens.olga })).status).toBe(403);
  });
});
