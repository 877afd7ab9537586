import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../hooks.js';
import { KeyRing } from './key-ring.js';
import { LoginThrottle } from './login-throttle.js';
import { ANONYMOUS, type AuthHooks, type Principal } from './principal.js';
import { createTokenService, type TokenService } from './token-service.js';
import { createTokenVerifier } from './token-verifier.js';

const SERVICE = 'registry.test';
const ISSUER = 'wharf-test';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Alice may pull and push team/*; anyone may pull public/*; sessions can be revoked. */
function testHooks(revoked: Set<string>): AuthHooks {
  return {
    authenticate(credentials) {
      if (credentials.kind === 'password') {
        if (credentials.username === 'alice' && credentials.password === 'secret') return { subject: 'user:alice' };
        if (credentials.username === 'alice' && credentials.password === 'pat-1') return { subject: 'user:alice', session: 'pat-1' };
        return null;
      }
      if (credentials.subject !== 'user:alice') return null;
      if (credentials.session && revoked.has(credentials.session)) return null;
      return { subject: credentials.subject, ...(credentials.session ? { session: credentials.session } : {}) };
    },
    authorize(principal: Principal, requested: readonly AccessRequest[]) {
      return requested.flatMap((r): AccessRequest[] => {
        if (r.name.startsWith('public/')) return [{ ...r, actions: ['pull'] }];
        if (!principal.anonymous && r.name.startsWith('team/')) return [{ ...r, actions: ['pull', 'push', 'delete', '*'] }];
        return [];
      });
    },
  };
}

describe('createTokenService', () => {
  let ring: KeyRing;
  let service: TokenService<Principal>;
  let revoked: Set<string>;
  let throttle: LoginThrottle;

  beforeEach(async () => {
    ring = await KeyRing.generate();
    revoked = new Set();
    throttle = new LoginThrottle();
    service = createTokenService({ issuer: ISSUER, service: SERVICE, keys: ring, hooks: testHooks(revoked), throttle });
  });

  const verifier = () => createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: ring });
  const get = (query: string, headers: Record<string, string> = {}) => service.app.request(`http://auth.test/token?${query}`, { headers });
  const post = (form: Record<string, string | string[]>, init: { chunked?: boolean; contentType?: string } = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) params.append(k, item);
    const bytes = new TextEncoder().encode(params.toString());
    // A stream body has no Content-Length: what podman and skopeo send.
    const body = init.chunked
      ? new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(bytes.subarray(0, 10));
            c.enqueue(bytes.subarray(10));
            c.close();
          },
        })
      : bytes;
    return service.app.request('http://auth.test/token', {
      method: 'POST',
      body,
      headers: { 'Content-Type': init.contentType ?? 'application/x-www-form-urlencoded' },
      ...(init.chunked ? { duplex: 'half' } : {}),
    } as RequestInit);
  };

  it('should issue a token with the requested access the user has, for docker login without scope', async () => {
    const res = await get(`service=${SERVICE}&account=alice&client_id=docker&offline_token=true`, { Authorization: basic('alice', 'secret') });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    expect(typeof body.issued_at).toBe('string');
    expect(typeof body.refresh_token).toBe('string');
    const verified = await verifier().verify(body.token as string);
    expect(verified.subject).toBe('user:alice');
    expect(verified.access).toEqual([]);
  });

  it('should grant the intersection of asked and allowed, never more', async () => {
    const res = await get(`service=${SERVICE}&scope=repository:team/app:pull,push&scope=repository:public/base:pull,push&scope=repository:other/x:pull`, {
      Authorization: basic('alice', 'secret'),
    });
    const { token } = (await res.json()) as { token: string };
    expect((await verifier().verify(token)).access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'public/base', actions: ['pull'] },
    ]);
  });

  it('should not widen access through repeated or crafted scope parameters', async () => {
    const res = await get(
      `service=${SERVICE}&scope=repository:public/base:pull&scope=repository:public/base:push&scope=${encodeURIComponent('repository:public/base:pull repository:team/app:push')}&scope=repository:public/base:pull,*&scope=repository:team/../other:push`,
    );
    const { token } = (await res.json()) as { token: string };
    expect((await verifier().verify(token)).access).toEqual([{ type: 'repository', name: 'public/base', actions: ['pull'] }]);
  });

  it('should give an anonymous caller only what anonymous may do, and no refresh token', async () => {
    const res = await get(`service=${SERVICE}&scope=repository:public/base:pull&scope=repository:team/app:pull&offline_token=true`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; refresh_token?: string };
    expect(body.refresh_token).toBeUndefined();
    const verified = await verifier().verify(body.token);
    expect(verified.subject).toBe('');
    expect(verified.access).toEqual([{ type: 'repository', name: 'public/base', actions: ['pull'] }]);
  });

  it('should refuse a wrong password with 401 and a message docker can print', async () => {
    const res = await get(`service=${SERVICE}`, { Authorization: basic('alice', 'wrong') });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { code: string; message: string }[]; error: string };
    expect(body.errors[0]).toEqual({ code: 'UNAUTHORIZED', message: 'incorrect username or password' });
    expect(body.error).toBe('invalid_grant');
  });

  it('should refuse malformed Basic credentials with 401', async () => {
    expect((await get(`service=${SERVICE}`, { Authorization: 'Basic !!!' })).status).toBe(401);
    expect((await get(`service=${SERVICE}`, { Authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` })).status).toBe(401);
  });

  it('should refuse a token for another service with 400', async () => {
    const res = await get('service=other-registry', { Authorization: basic('alice', 'secret') });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('TOKEN_REQUEST_INVALID');
  });

  it('should answer 429 with Retry-After after repeated failed logins, without checking the password', async () => {
    for (let i = 0; i < 6; i++) await get(`service=${SERVICE}`, { Authorization: basic('alice', `guess${i}`) });
    const locked = await get(`service=${SERVICE}`, { Authorization: basic('alice', 'secret') });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await locked.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('TOOMANYREQUESTS');
  });

  it('should issue tokens for a password grant sent as a chunked form without Content-Length', async () => {
    const res = await post(
      { grant_type: 'password', username: 'alice', password: 'secret', service: SERVICE, client_id: 'podman', scope: 'repository:team/app:pull', access_type: 'offline' },
      { chunked: true },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    expect((await verifier().verify(body.access_token)).access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    expect(body.refresh_token).toBeTruthy();
  });

  it('should exchange a refresh token for a new access token, as docker does after login', async () => {
    const login = await get(`service=${SERVICE}&offline_token=true&client_id=docker`, { Authorization: basic('alice', 'secret') });
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    const res = await post({ grant_type: 'refresh_token', refresh_token, service: SERVICE, client_id: 'docker', scope: 'repository:team/app:pull,push' }, { chunked: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    expect(body.refresh_token).toBe(refresh_token);
    const verified = await verifier().verify(body.access_token);
    expect(verified.subject).toBe('user:alice');
    expect(verified.access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }]);
  });

  it('should refuse a refresh token once its session is revoked', async () => {
    const login = await get(`service=${SERVICE}&offline_token=true`, { Authorization: basic('alice', 'pat-1') });
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    expect(decodeJwt(refresh_token).sid).toBe('pat-1');
    revoked.add('pat-1');
    const res = await post({ grant_type: 'refresh_token', refresh_token, service: SERVICE });
    expect(res.status).toBe(401);
  });

  it('should refuse a refresh token as a registry access token, and an access token as a refresh token', async () => {
    const login = await get(`service=${SERVICE}&offline_token=true`, { Authorization: basic('alice', 'secret') });
    const { token, refresh_token } = (await login.json()) as { token: string; refresh_token: string };
    await expect(verifier().verify(refresh_token)).rejects.toThrow(/another service/);
    expect((await post({ grant_type: 'refresh_token', refresh_token: token, service: SERVICE })).status).toBe(401);
    expect((await post({ grant_type: 'refresh_token', refresh_token: 'garbage', service: SERVICE })).status).toBe(401);
  });

  it('should refuse a form of another content type, an unknown grant type and a missing password', async () => {
    expect((await post({ grant_type: 'password', username: 'alice', password: 'secret' }, { contentType: 'application/json' })).status).toBe(400);
    expect((await post({ grant_type: 'client_credentials' })).status).toBe(400);
    expect((await post({ grant_type: 'password', username: 'alice' })).status).toBe(400);
  });

  it('should publish the public keys as a JWKS without private parts', async () => {
    await ring.rotate();
    const res = await service.app.request('http://auth.test/jwks');
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(key.d).toBeUndefined();
      expect(key.use).toBe('sig');
      expect(key.kid).toBeTruthy();
    }
  });

  it('should sign with the newest key after a rotation', async () => {
    const newKid = await ring.rotate();
    const { token } = await service.issue(ANONYMOUS, []);
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid).toBe(newKid);
  });
});
