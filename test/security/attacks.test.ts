/**
 * Attacks on the standalone server with token auth, over a real socket: forged and misused
 * tokens, scope widening, mounts from unreadable repositories, dead credentials and path tricks.
 * Each must be refused with a 4xx and the registry's error body, never a 500.
 *
 * Forged tokens are signed with the server's own key (read from its data directory), so what
 * is tested is the claim checks, not merely that an unknown key fails.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, basic, sha256 } from './support.js';
import { KeyRing } from '@wharf/core';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { openDatabase } from '@wharf/db';
import { createStandaloneApp, ISSUER, SERVICE } from '@wharf/server';

const ADMIN_PASSWORD = 'admin-security-password-0123';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('attacks on token auth', () => {
  let dir: string;
  let server: NodeRegistryServer;
  let ring: KeyRing;
  let base: string;
  const secrets: Record<string, string> = {};

  const api = adminApi(() => base, 'admin', ADMIN_PASSWORD);
  /** A token from the token service; `auth` is a Basic header or none (anonymous). */
  const token = async (scopes: string[], auth?: string) => {
    const q = new URLSearchParams({ service: SERVICE });
    for (const s of scopes) q.append('scope', s);
    const res = await fetch(`${base}/auth/token?${q}`, { headers: auth ? { Authorization: auth } : {} });
    return { status: res.status, body: (await res.json()) as { token?: string; errors?: { code: string }[] } };
  };
  const registry = (path: string, bearer: string | undefined, init: RequestInit = {}) =>
    fetch(`${base}/v2/${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) } });
  const forge = async (claims: Record<string, unknown>, edit: (j: SignJWT) => SignJWT = (j) => j) => {
    const { kid, alg, privateKey } = ring.current;
    const jwt = new SignJWT({ access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }], ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuer(ISSUER)
      .setAudience(SERVICE)
      .setSubject('user:x')
      .setIssuedAt()
      .setExpirationTime(now() + 300);
    return edit(jwt).sign(privateKey);
  };
  /** GET a path exactly as written. */
  const rawGet = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(base);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  /** The response must be a refusal with a registry error body, never a 5xx. */
  const expectRefused = async (res: Response, status: number | number[] = 401) => {
    expect([status].flat()).toContain(res.status);
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]?.code).toMatch(/^[A-Z_]+$/);
    return body;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-security-'));
    const { app } = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: ADMIN_PASSWORD });
    server = await serve(app, { port: 0 });
    base = server.url;
    // The server's own signing keys, read from its database: what an attacker who stole them would have.
    const database = await openDatabase<{ signing_keys: { id: number; ring: string } }>({ url: `sqlite:${join(dir, 'wharf.db')}`, dataDir: dir });
    const stored = await database.db.selectFrom('signing_keys').select('ring').executeTakeFirstOrThrow();
    await database.close();
    ring = await KeyRing.fromJSON(JSON.parse(stored.ring));
    const alice = await api('POST', '/users', { username: 'alice', password: 'alice-password-0123' });
    await api('POST', '/users', { username: 'carol', password: 'carol-password-0123', two_factor: true });
    await api('POST', '/groups', { path: 'team', visibility: 'public' });
    await api('POST', '/projects', { path: 'team/app', visibility: 'private' });
    await api('POST', '/projects', { path: 'team/other', visibility: 'private' });
    await api('POST', '/projects', { path: 'team/secret', visibility: 'private' });
    await api('POST', `/projects/${encodeURIComponent('team/app')}/members`, { username: 'alice', role: 'developer' });
    await api('POST', `/projects/${encodeURIComponent('team/other')}/members`, { username: 'alice', role: 'reporter' });
    secrets.pat = (await api('POST', `/users/${alice.id}/personal_access_tokens`, { name: 'p', scopes: ['read_registry', 'write_registry'] })).token as string;
    const revoked = await api('POST', `/users/${alice.id}/personal_access_tokens`, { name: 'r', scopes: ['read_registry'] });
    await api('DELETE', `/personal_access_tokens/${revoked.id}`);
    secrets.revoked = revoked.token as string;
    const job = await api('POST', `/projects/${encodeURIComponent('team/app')}/jobs`, { user: 'alice' });
    await api('POST', `/jobs/${job.id}/finish`);
    secrets.job = job.token as string;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should refuse alg none', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: SERVICE, exp: now() + 300, access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }] })}.`;
    const body = await expectRefused(await registry('team/app/tags/list', unsigned));
    expect(body.errors[0]?.message).toMatch(/algorithm/);
  });

  it('should refuse an HS256 token signed with the public key as the secret', async () => {
    const publicJwk = JSON.stringify(ring.jwks().keys[0]);
    const hs = await new SignJWT({ access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }] })
      .setProtectedHeader({ alg: 'HS256', kid: ring.current.kid })
      .setIssuer(ISSUER)
      .setAudience(SERVICE)
      .setExpirationTime(now() + 300)
      .sign(new TextEncoder().encode(publicJwk));
    await expectRefused(await registry('team/app/tags/list', hs));
  });

  it('should refuse a token whose payload was tampered with', async () => {
    const real = (await token(['repository:team/app:pull'], basic('alice', secrets.pat as string))).body.token as string;
    const [h, , s] = real.split('.');
    const widened = b64({ iss: ISSUER, aud: SERVICE, sub: 'user:x', exp: now() + 300, access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push', 'delete'] }] });
    await expectRefused(await registry('team/app/tags/list', `${h}.${widened}.${s}`));
  });

  it.each([
    ['expired', (j: SignJWT) => j.setIssuedAt(now() - 900).setExpirationTime(now() - 600)],
    ['not yet valid', (j: SignJWT) => j.setNotBefore(now() + 600).setExpirationTime(now() + 900)],
    ['from the wrong issuer', (j: SignJWT) => j.setIssuer('https://gitlab.evil.example')],
    ['for the wrong audience', (j: SignJWT) => j.setAudience('another-registry')],
  ])('should refuse a token that is %s', async (_why, edit) => {
    const res = await registry('team/app/tags/list', await forge({}, edit));
    await expectRefused(res);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('should refuse a token for repository A on repository B', async () => {
    const forA = (await token(['repository:team/app:pull,push'], basic('alice', secrets.pat as string))).body.token as string;
    const res = await registry('team/other/tags/list', forA);
    await expectRefused(res);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('should refuse a push with a pull token', async () => {
    const pullOnly = (await token(['repository:team/other:pull,push'], basic('alice', secrets.pat as string))).body.token as string;
    const res = await registry('team/other/blobs/uploads/', pullOnly, { method: 'POST' });
    await expectRefused(res);
  });

  it('should not widen access through repeated or crafted scope parameters', async () => {
    const { body } = await token(
      ['repository:team/other:pull', 'repository:team/other:push', 'repository:team/other:pull,push,delete,*', 'repository:team/other:pull repository:team/secret:pull', 'registry:catalog:*'],
      basic('alice', secrets.pat as string),
    );
    const claims = JSON.parse(Buffer.from((body.token as string).split('.')[1] as string, 'base64url').toString()) as { access: unknown };
    expect(claims.access).toEqual([{ type: 'repository', name: 'team/other', actions: ['pull'] }]);
  });

  it('should turn a mount from a repository the caller cannot read into a plain upload', async () => {
    // Put a blob into team/secret as the admin, then try to mount it into team/app as alice.
    const content = new Uint8Array(randomBytes(128));
    const adminToken = (await token(['repository:team/secret:pull,push'], basic('admin', ADMIN_PASSWORD))).body.token as string;
    const put = await registry(`team/secret/blobs/uploads/?digest=${sha256(content)}`, adminToken, { method: 'POST', body: content });
    expect(put.status).toBe(201);
    const alice = (await token(['repository:team/app:pull,push', 'repository:team/secret:pull'], basic('alice', secrets.pat as string))).body.token as string;
    const mount = await registry(`team/app/blobs/uploads/?mount=${sha256(content)}&from=team/secret`, alice, { method: 'POST' });
    expect(mount.status).toBe(202);
    expect((await registry(`team/app/blobs/${sha256(content)}`, alice, { method: 'HEAD' })).status).toBe(404);
  });

  it.each([
    ['a revoked personal access token', 'alice', 'revoked'],
    ['a job token after its job', 'gitlab-ci-token', 'job'],
  ])('should refuse %s at the token service', async (_why, user, secret) => {
    const res = await token(['repository:team/app:pull'], basic(user, secrets[secret] as string));
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.code).toBe('UNAUTHORIZED');
  });

  it("should refuse a two-factor user's password", async () => {
    const res = await token([], basic('carol', 'carol-password-0123'));
    expect(res.status).toBe(401);
  });

  it.each([
    ['..', 'team/../team/app'],
    ['%2e%2e', 'team/%2e%2e/team/app'],
    ['//', 'team//app'],
    ['uppercase', 'Team/App'],
    ['256 characters', `team/${'a'.repeat(251)}`],
  ])('should refuse a repository name with %s, before any token is looked at', async (_why, name) => {
    // node:http sends the path as written; fetch would resolve dot segments first.
    const { status, body } = await rawGet(`/v2/${name}/tags/list`);
    expect(status).toBe(400);
    expect((JSON.parse(body) as { errors: { code: string }[] }).errors[0]?.code).toBe('NAME_INVALID');
  });

  it('should grant nothing for path tricks in requested scopes', async () => {
    const { body } = await token(['repository:team/../team/app:pull', 'repository:team/%2e%2e/app:pull', 'repository:team//app:pull', 'repository:TEAM/APP:pull'], basic('alice', secrets.pat as string));
    const claims = JSON.parse(Buffer.from((body.token as string).split('.')[1] as string, 'base64url').toString()) as { access: unknown };
    expect(claims.access).toEqual([]);
  });

  it('should slow down repeated failed logins with 429 and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) last = await fetch(`${base}/auth/token?service=${SERVICE}`, { headers: { Authorization: basic('alice', `guess-${i}`) } });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
