import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../hooks.js';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { bytes, sha256 } from '../test-support/fixtures.js';
import { createBearerAuthorizer } from './bearer-authorizer.js';
import { KeyRing } from './key-ring.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { createTokenService, type TokenService } from './token-service.js';
import { createTokenVerifier } from './token-verifier.js';

const SERVICE = 'registry.test';
const ISSUER = 'wharf-test';
const REALM = 'http://auth.test/token';
const repo = (name: string, ...actions: AccessRequest['actions'][number][]): AccessRequest => ({ type: 'repository', name, actions });

describe('createBearerAuthorizer with a registry', () => {
  let ring: KeyRing;
  let tokens: TokenService<Principal>;
  let app: ReturnType<typeof createRegistry>['app'];

  beforeEach(async () => {
    ring = await KeyRing.generate();
    // The hooks are not the point here: the token decides. Grant whatever is asked.
    tokens = createTokenService({
      issuer: ISSUER,
      service: SERVICE,
      keys: ring,
      hooks: { authenticate: () => null, authorize: (_p, requested) => requested },
    });
    const verifier = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: ring });
    ({ app } = createRegistry({ storage: new MemoryStorage(), hooks: { onAuthorize: createBearerAuthorizer({ realm: REALM, service: SERVICE, verifier }) } }));
  });

  const tokenFor = async (...access: AccessRequest[]) => (await tokens.issue({ subject: 'user:1' }, access)).token;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const pushBlob = async (name: string, token: string, content = bytes()) =>
    app.request(`/v2/${name}/blobs/uploads/?digest=${sha256(content)}`, { method: 'POST', body: content, headers: auth(token) });

  it('should challenge a request without a token with realm, service and the scope it needs', async () => {
    const res = await app.request('/v2/team/app/tags/list');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}",scope="repository:team/app:pull"`);
    const body = (await res.json()) as { errors: { code: string }[] };
    expect(body.errors[0]?.code).toBe('UNAUTHORIZED');
  });

  it('should challenge GET /v2/ without a scope, and let any valid token through', async () => {
    const res = await app.request('/v2/');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}"`);
    expect((await app.request('/v2/', { headers: auth(await tokenFor()) })).status).toBe(200);
  });

  it('should ask for pull and push on an upload', async () => {
    const res = await app.request('/v2/team/app/blobs/uploads/', { method: 'POST' });
    expect(res.headers.get('www-authenticate')).toContain('scope="repository:team/app:pull,push"');
  });

  it('should let a push token push and a pull token only pull', async () => {
    const push = await tokenFor(repo('team/app', 'pull', 'push'));
    const content = bytes();
    expect((await pushBlob('team/app', push, content)).status).toBe(201);
    const pull = await tokenFor(repo('team/app', 'pull'));
    expect((await app.request(`/v2/team/app/blobs/${sha256(content)}`, { headers: auth(pull) })).status).toBe(200);
    const refused = await pushBlob('team/app', pull);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('should refuse a token for repository A used on repository B', async () => {
    const tokenA = await tokenFor(repo('team/a', 'pull', 'push'));
    expect((await pushBlob('team/b', tokenA)).status).toBe(401);
    const res = await app.request('/v2/team/b/tags/list', { headers: auth(tokenA) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('scope="repository:team/b:pull"');
  });

  it('should answer a pull of a missing repository and of a forbidden one the same way', async () => {
    const other = await tokenFor(repo('team/other', 'pull'));
    await pushBlob('team/secret', await tokenFor(repo('team/secret', 'pull', 'push')));
    const secret = await app.request('/v2/team/secret/tags/list', { headers: auth(other) });
    const missing = await app.request('/v2/team/nothing/tags/list', { headers: auth(other) });
    expect(secret.status).toBe(missing.status);
    expect(await secret.text()).toBe((await missing.text()).replaceAll('team/nothing', 'team/secret'));
  });

  it('should refuse delete without the delete action', async () => {
    const content = bytes();
    await pushBlob('team/app', await tokenFor(repo('team/app', 'pull', 'push')), content);
    const res = await app.request(`/v2/team/app/blobs/${sha256(content)}`, { method: 'DELETE', headers: auth(await tokenFor(repo('team/app', 'pull', 'push'))) });
    expect(res.status).toBe(401);
    const ok = await app.request(`/v2/team/app/blobs/${sha256(content)}`, { method: 'DELETE', headers: auth(await tokenFor(repo('team/app', 'delete'))) });
    expect(ok.status).toBe(202);
  });

  it('should refuse an invalid token with error="invalid_token"', async () => {
    for (const token of ['garbage', `${await tokenFor(repo('team/app', 'pull'))}x`]) {
      const res = await app.request('/v2/team/app/tags/list', { headers: auth(token) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('should treat Basic credentials on the registry as no token', async () => {
    const res = await app.request('/v2/team/app/tags/list', { headers: { Authorization: 'Basic YWxpY2U6c2VjcmV0' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('should turn a mount from a repository the token cannot read into a plain upload', async () => {
    const content = bytes();
    await pushBlob('team/private', await tokenFor(repo('team/private', 'pull', 'push')), content);
    const token = await tokenFor(repo('team/mine', 'pull', 'push'));
    const res = await app.request(`/v2/team/mine/blobs/uploads/?mount=${sha256(content)}&from=team/private`, { method: 'POST', headers: auth(token) });
    expect(res.status).toBe(202);
    expect((await app.request(`/v2/team/mine/blobs/${sha256(content)}`, { method: 'HEAD', headers: auth(token) })).status).toBe(404);
    const readable = await tokenFor(repo('team/mine', 'pull', 'push'), repo('team/private', 'pull'));
    const mounted = await app.request(`/v2/team/mine/blobs/uploads/?mount=${sha256(content)}&from=team/private`, { method: 'POST', headers: auth(readable) });
    expect(mounted.status).toBe(201);
  });

  it('should need registry:catalog:* for the catalog', async () => {
    expect((await app.request('/v2/_catalog', { headers: auth(await tokenFor(repo('team/app', 'pull'))) })).status).toBe(401);
    const ok = await app.request('/v2/_catalog', { headers: auth(await tokenFor({ type: 'registry', name: 'catalog', actions: ['*'] })) });
    expect(ok.status).toBe(200);
  });

  it('should give anonymous tokens no more than their access claim', async () => {
    const anonymous = (await tokens.issue(ANONYMOUS, [repo('public/base', 'pull')])).token;
    expect((await app.request('/v2/public/base/tags/list', { headers: auth(anonymous) })).status).toBe(404);
    expect((await pushBlob('public/base', anonymous)).status).toBe(401);
  });

  it('should ask a deniedHint function for each refusal, with the token subject, and put its answer in the message', async () => {
    const asked: { subject: string; name: string }[] = [];
    const verifier = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: ring });
    const deniedHint = ({ access, subject }: { access: AccessRequest; subject: string }) => {
      asked.push({ subject, name: access.name });
      return access.name === 'team/off' ? 'the container registry is turned off for project team/off' : undefined;
    };
    const hinted = createRegistry({ storage: new MemoryStorage(), hooks: { onAuthorize: createBearerAuthorizer({ realm: REALM, service: SERVICE, verifier, deniedHint }) } }).app;
    const token = await tokenFor();
    const off = await hinted.request('/v2/team/off/tags/list', { headers: auth(token) });
    expect(off.status).toBe(401);
    const body = (await off.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toBe('authentication required: the token does not allow pull on repository team/off; the container registry is turned off for project team/off');
    expect(off.headers.get('www-authenticate')).toContain('error_description="the token does not allow pull on repository team/off; the container registry is turned off');
    const plain = await hinted.request('/v2/team/on/tags/list', { headers: auth(token) });
    expect(((await plain.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe('authentication required: the token does not allow pull on repository team/on');
    expect(asked).toEqual([{ subject: 'user:1', name: 'team/off' }, { subject: 'user:1', name: 'team/on' }]);
  });
});
