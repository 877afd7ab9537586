/**
 * Several standalone servers, one bucket, one PostgreSQL, no shared filesystem: each server has
 * a data directory of its own, so everything they agree on — who may do what, which tokens are
 * revoked, the signing keys, the failed-login counts, which images exist — comes from the
 * database and the bucket. Runs in the s3 project (the bucket) with a PostgreSQL of its own
 * (test/postgres's global setup): a database per suite on that cluster.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3Storage } from '@wharf/storage-s3';
import { endpointOptions, s3Env, TEST_BUCKET } from '../../packages/storage-s3/src/test-support.js';
import { LoadClient } from '../lifecycle/load-client.js';
import { logOnFailureAndStop, type Registry, startRegistry, target } from '../e2e/server.js';
import { useS3ServerEnv } from './server-env.js';

const env = s3Env();
const postgresUrl = inject('wharfPostgresUrl') ?? '';
if (!postgresUrl) console.warn(`\n!!! SKIPPING the PostgreSQL cluster tests: ${inject('wharfPostgresMissing') || 'no PostgreSQL URL'} !!!\n`);
const ADMIN_PASSWORD = 'cluster-admin-password-0123';

/** A database of its own on the test cluster, dropped afterwards. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgresUrl, max: 1 }) }) });
  const name = `cluster_${randomBytes(5).toString('hex')}`;
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}

describe.skipIf(!env || !postgresUrl || target() !== 'wharf')('several servers on one bucket and one PostgreSQL', () => {
  let a: Registry | undefined;
  let b: Registry | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let bucket: S3Storage | undefined;
  const prefix = `cluster/${randomUUID()}`;
  logOnFailureAndStop(() => a);
  logOnFailureAndStop(() => b);

  beforeAll(async () => {
    if (!env) return;
    database = await createDatabase();
    const restore = useS3ServerEnv(env, prefix);
    process.env.WHARF_DATABASE_URL = database.url;
    try {
      // at the same moment: both migrate the empty database and bootstrap the one admin
      [a, b] = await Promise.all([
        startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD }),
        startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD }),
      ]);
    } finally {
      delete process.env.WHARF_DATABASE_URL;
      restore();
    }
    bucket = new S3Storage({ bucket: TEST_BUCKET, prefix, ...endpointOptions(env) });
    const group = await api(a, 'POST', '/groups', { name: 'team', path: 'team', visibility: 'private' });
    await api(b, 'POST', '/projects', { name: 'app', path: 'app', namespace_id: group.id });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    if (bucket) {
      for (const dir of await bucket.list('/').catch(() => [])) await bucket.delete(dir);
      bucket.destroy();
    }
  });

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = (r: Registry | undefined): Registry => {
    if (!r) throw new Error('the servers did not start');
    return r;
  };

  async function api(on: Registry | undefined, method: string, path: string, body?: unknown, auth = basic('admin', ADMIN_PASSWORD)) {
    const r = await fetch(`${server(on).url}/api/v4${path}`, {
      method,
      headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path} on ${server(on).host}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as Record<string, unknown> & { id: number };
  }

  /** A token from `on`'s token service, as docker login gets it. */
  async function token(on: Registry | undefined, user: string, password: string, scope: string): Promise<Response> {
    const query = new URLSearchParams({ service: 'wharf-registry', scope });
    return fetch(`${server(on).url}/auth/token?${query}`, { headers: { Authorization: basic(user, password) } });
  }

  /** Push a small image to `on` with `bearer` (the push's requests must all be 201). */
  const push = (on: Registry | undefined, bearer: string, repo: string, tag: string) =>
    new LoadClient(() => server(on).url, { Authorization: `Bearer ${bearer}` }).pushImage(repo, tag, 4096);

  it('should let a user log in on A and push on B, and list the push on both at once', async () => {
    const login = await token(a, 'admin', ADMIN_PASSWORD, 'repository:team/app:pull,push');
    expect(login.status).toBe(200);
    const { token: bearer } = (await login.json()) as { token: string };
    await push(b, bearer, 'team/app', 'v1');
    for (const on of [a, b]) {
      const repos = (await api(on, 'GET', `/projects/${encodeURIComponent('team/app')}/registry/repositories?tags=true`)) as unknown as { path: string; tags: { name: string }[] }[];
      expect(repos.map((r) => [r.path, r.tags.map((t) => t.name)])).toEqual([['team/app', ['v1']]]);
    }
  });

  it("should refuse on B a personal access token revoked on A, at B's next request", async () => {
    const user = await api(a, 'POST', '/users', { username: 'pat-user', name: 'p', email: 'p@example.com', password: 'pat-user-password-0123' });
    const pat = await api(a, 'POST', `/users/${user.id}/personal_access_tokens`, { name: 'laptop', scopes: ['api'] });
    const asUser = (on: Registry | undefined) => fetch(`${server(on).url}/api/v4/user`, { headers: { 'PRIVATE-TOKEN': String(pat.token) } });
    expect((await asUser(b)).status).toBe(200);
    await api(a, 'DELETE', `/personal_access_tokens/${pat.id}`);
    expect((await asUser(b)).status).toBe(401);
    expect((await asUser(a)).status).toBe(401);
  });

  it("should end on A a user's refresh token when B blocks them", async () => {
    const user = await api(b, 'POST', '/users', { username: 'refresher', name: 'r', email: 'r@example.com', password: 'refresher-password-0123' });
    await api(b, 'POST', `/projects/${encodeURIComponent('team/app')}/members`, { user_id: user.id, access_level: 30 });
    const form = (body: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(body), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const scope = 'repository:team/app:pull';
    const first = await fetch(`${server(a).url}/auth/token`, form({ grant_type: 'password', username: 'refresher', password: 'refresher-password-0123', service: 'wharf-registry', scope, access_type: 'offline', client_id: 'test' }));
    expect(first.status).toBe(200);
    const { refresh_token: refresh } = (await first.json()) as { refresh_token: string };
    const again = () => fetch(`${server(a).url}/auth/token`, form({ grant_type: 'refresh_token', refresh_token: refresh, service: 'wharf-registry', scope, client_id: 'test' }));
    expect((await again()).status).toBe(200);
    await api(b, 'POST', `/users/${user.id}/block`);
    expect((await again()).status).toBe(401);
  });

  it('should count failed logins at A and B together and lock the name on both', async () => {
    await api(a, 'POST', '/users', { username: 'guessed', name: 'g', email: 'g@example.com', password: 'guessed-password-0123' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await token(i % 2 === 0 ? a : b, 'guessed', `wrong-${i}`, 'repository:team/app:pull')).status);
    // five free failures, the sixth counts and locks, the seventh is refused unchecked
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect((await token(a, 'guessed', 'guessed-password-0123', 'repository:team/app:pull')).status).toBe(429);
    expect((await token(b, 'guessed', 'guessed-password-0123', 'repository:team/app:pull')).status).toBe(429);
  });

  it('should accept on B the tokens A signs after a key rotation made through A', async () => {
    // `wharf keys rotate` as an operator runs it next to A, on A's data directory and the database
    const { spawnSync } = await import('node:child_process');
    const { wharfCli } = await import('../e2e/server.js');
    const rotated = spawnSync(process.execPath, [wharfCli, 'keys', 'rotate', '--data', server(a).dataDir], {
      env: { ...process.env, WHARF_DATABASE_URL: database?.url ?? '' },
      encoding: 'utf8',
    });
    expect(rotated.status, rotated.stderr).toBe(0);
    // A and B look for a rotated ring every 5 s
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const login = await token(a, 'admin', ADMIN_PASSWORD, 'repository:team/app:pull,push');
    const { token: bearer } = (await login.json()) as { token: string };
    const header = JSON.parse(Buffer.from(bearer.split('.')[0] as string, 'base64url').toString()) as { kid: string };
    expect(rotated.stdout).toContain(header.kid);
    await push(b, bearer, 'team/app', 'after-rotation');
  });
});
