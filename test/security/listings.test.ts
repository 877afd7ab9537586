
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, basic, pushImage } from './support.js';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp, SERVICE } from '@wharf/server';

const ADMIN = 'admin-listings-password-0123';
const ALICE = 'alice-listings-password-0123';
const PUBLIC_URL = 'https://registry.example.com';
const enc = encodeURIComponent;

/** Visible to everyone. */
const PUBLIC = ['g1/pub', 'g1/pub/sub'];
/** Visible to alice (developer of g1/app) besides the public ones. */
const ALICES = ['g1/app', 'g1/app/api'];
/** Visible to the admin only. */
const PRIVATE = ['g1/hidden-zz', 'g2/secret-one', 'g2/secret-two/x', 'g2/doomed'];

const FILTERS = [
  '',
  'search=g2/',
  'search=secret',
  'search=hidden',
  'search=/',
  'prefix=g1',
  'prefix=g2',
  'prefix=g2/secret-one',
  'prefix=g1/hidden-zz',
];

/** Every query a listing takes, in every combination that matters for leaks. */
function* listingQueries(filters = FILTERS): Generator<string> {
  for (const sort of ['name', 'created', 'updated']) {
    for (const order of ['asc', 'desc'])
      for (const filter of filters) yield `per_page=1&sort=${sort}&order=${order}${filter ? `&${filter}` : ''}`;
  }
}

/** What a response shows a client: status line, headers, body, and every base64url run decoded (cursors). */
async function exposed(res: Response): Promise<string> {
  const body = await res.text();
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  const text = `${res.status}\n${headers}\n${body}`;
  const decoded = [...text.matchAll(/[A-Za-z0-9_-]{12,}/g)].map((m) => Buffer.from(m[0], 'base64url').toString('utf8'));
  return [text, decodeURIComponent(text.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')), ...decoded].join('\n');
}

describe('listings and the management API under hostile callers', () => {
  let dir: string;
  let server: NodeRegistryServer;
  let base: string;

  const admin = adminApi(() => base, 'admin', ADMIN);
  const token = async (scopes: string[], auth?: string) => {
    const q = new URLSearchParams({ service: SERVICE });
    for (const s of scopes) q.append('scope', s);
    const res = await fetch(`${base}/auth/token?${q}`, { headers: auth ? { Authorization: auth } : {} });
    return ((await res.json()) as { token: string }).token;
  };
  const push = (repo: string) => pushImage(base, basic('admin', ADMIN), repo, ['v1']);
  const management = (path: string, init: RequestInit = {}) => fetch(`${base}/api/v1/registry${path}`, init);
  /**
   * An oversized request on a connection of its own (fetch would reuse it after the early 413):
   * `body` as one buffer with its length, or as chunks sent without one.
   */
  const oversized = (path: string, headers: Record<string, string>, body: Buffer | Buffer[]) =>
    new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const url = new URL(`${base}/api/v1/registry${path}`);
      const req = httpRequest(
        url,
        {
          method: 'PUT',
          agent: false,
          headers: { ...headers, ...(Buffer.isBuffer(body) ? { 'Content-Length': String(body.length) } : {}) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as { errors?: { code: string }[] };
            resolve({ status: res.statusCode ?? 0, code: parsed.errors?.[0]?.code });
          });
          res.on('error', reject);
        },
      );
      // The server may answer and close before the whole body is sent: a write error is fine
      // when its answer still arrives.
      req.on('error', (error) => setTimeout(() => reject(error), 5_000).unref());
      for (const part of Buffer.isBuffer(body) ? [body] : body) req.write(part);
      req.end();
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-listings-'));
    const { app } = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: ADMIN, publicUrl: PUBLIC_URL });
    server = await serve(app, { port: 0 });
    base = server.url;
    await admin('POST', '/users', { username: 'alice', password: ALICE });
    await admin('POST', '/groups', { path: 'g1', visibility: 'public' });
    await admin('POST', '/groups', { path: 'g2', visibility: 'private' });
    await admin('POST', '/projects', { path: 'g1/pub', visibility: 'public' });
    for (const path of ['g1/app', 'g1/hidden-zz', 'g2/secret-one', 'g2/secret-two', 'g2/doomed'])
      await admin('POST', '/projects', { path, visibility: 'private' });
    await admin('POST', `/projects/${enc('g1/app')}/members`, { username: 'alice', role: 'developer' });
    // Interleaved, so private names fall between visible ones in every sort order.
    for (const repo of ['g2/secret-one', 'g1/pub', 'g1/hidden-zz', 'g1/app', 'g2/secret-two/x', 'g1/pub/sub', 'g2/doomed', 'g1/app/api'])
      await push(repo);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const callers = async () => ({
    anonymous: { headers: {} as Record<string, string>, hidden: [...ALICES, ...PRIVATE], sees: PUBLIC },
    alice: { headers: { Authorization: basic('alice', ALICE) }, hidden: PRIVATE, sees: [...PUBLIC, ...ALICES] },
    // A token that asked for everything and got only what alice may pull.
    aliceToken: {
      headers: {
        Authorization: `Bearer ${await token(
          [...PUBLIC, ...ALICES, ...PRIVATE].map((r) => `repository:${r}:pull`),
          basic('alice', ALICE),
        )}`,
      },
      hidden: PRIVATE,
      sees: [...PUBLIC, ...ALICES],
    },
  });

  it.each(['anonymous', 'alice', 'aliceToken'] as const)(
    'should never show %s a name it cannot pull, on any page of any sort, order, search or prefix (finding 1)',
    async (who) => {
      const caller = (await callers())[who];
      const seen = new Set<string>();
      const walk = async (query: string) => {
        let path: string | null = `/repositories?${query}`;
        for (let page = 0; path !== null; page++) {
          expect(page, `${query}: too many pages`).toBeLessThan(20);
          const res: Response = await management(path, { headers: caller.headers });
          expect(res.status, path).toBe(200);
          const body = (await res.clone().json()) as { repositories: { name: string }[]; next: string | null };
          const link = res.headers.get('link');
          const shown = await exposed(res);
          for (const name of caller.hidden) expect(shown, path).not.toContain(name);
          for (const r of body.repositories) seen.add(r.name);
          // A followed page is never empty: no next page is promised that only hidden names fill.
          if (page > 0) expect(body.repositories.length, `${path}: an empty next page`).toBeGreaterThan(0);
          // `next` and Link agree.
          expect(link === null, path).toBe(body.next === null);
          const linked = link ? /^<\/api\/v1\/registry(\/repositories\?[^>]+)>; rel="next"$/.exec(link)?.[1] : null;
          if (body.next !== null) expect(linked).toContain(`cursor=${body.next}`);
          path = linked ?? null;
        }
      };
      // A few walks at once: each Basic request hashes a password, which is slow on purpose.
      // Basic credentials cost a password hash per request: alice's token walks every filter for her.
      const queries = [...listingQueries(who === 'alice' ? ['', 'search=g2/', 'prefix=g2'] : FILTERS)];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let q = queries.shift(); q !== undefined; q = queries.shift()) await walk(q);
        }),
      );
      expect([...seen].sort()).toEqual([...caller.sees].sort());
    },
    120_000,
  );

  it('should refuse tags of an unreadable repository the same way whether it exists or not', async () => {
    for (const caller of Object.values(await callers())) {
      for (const repo of caller.hidden) {
        const real = await management(`/repositories/${enc(repo)}/tags?per_page=1`, { headers: caller.headers });
        const made = await management(`/repositories/${enc(repo.replace(/[a-z]+$/, 'nothere'))}/tags?per_page=1`, {
          headers: caller.headers,
        });
        expect(real.status).toBe(made.status);
        expect([401, 403]).toContain(real.status);
        expect(await real.text()).not.toContain('"tags"');
      }
    }
  });

  it('should keep the registry catalog to administrators', async () => {
    for (const caller of Object.values(await callers())) {
      const res = await fetch(`${base}/v2/_catalog?n=1`, { headers: caller.headers });
      expect([401, 403]).toContain(res.status);
      const shown = await exposed(res);
      for (const name of [...ALICES, ...PRIVATE, ...PUBLIC]) expect(shown).not.toContain(name);
    }
  });

  it("should answer 404 for someone else's deletion job, exactly as for an unknown id (finding 12)", async () => {
    const started = await management(`/repositories/${enc('g2/doomed')}`, {
      method: 'DELETE',
      headers: { Authorization: basic('admin', ADMIN) },
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    expect((await management(`/deletions/${id}`, { headers: { Authorization: basic('admin', ADMIN) } })).status).toBe(200);
    const unknown = await (
      await management('/deletions/01HZZZZZZZZZZZZZZZZZZZZZZZ', { headers: { Authorization: basic('alice', ALICE) } })
    ).text();
    for (const caller of Object.values(await callers())) {
      const res = await management(`/deletions/${id}`, { headers: caller.headers });
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(text).toBe(unknown);
      expect(text).not.toContain('doomed');
    }
  });

  describe('management request bodies (findings 9, 10)', () => {
    const policy = `/projects/${enc('g1/app')}/cleanup_policy`;
    const asAdmin = { Authorization: basic('admin', ADMIN) };
    const code = async (res: Response) => ((await res.json()) as { errors: { code: string }[] }).errors[0]?.code;

    it('should refuse a body over 64 KiB with 413, by Content-Length or while it streams', async () => {
      const json = { ...asAdmin, 'Content-Type': 'application/json' };
      const big = Buffer.from(JSON.stringify({ enabled: true, name_regex: 'x'.repeat(1024 * 1024) }));
      expect(await oversized(policy, json, big)).toEqual({ status: 413, code: 'BODY_TOO_LARGE' });
      // Far more than the limit in chunks without a length, but bounded so a server that buffers it all still ends the test.
      const chunks = Array.from({ length: 64 }, (_, i) => Buffer.from(`${i === 0 ? '{"x":"' : ''}${'y'.repeat(16 * 1024)}`));
      expect(await oversized(policy, json, chunks)).toEqual({ status: 413, code: 'BODY_TOO_LARGE' });
      expect((await management(policy, { headers: asAdmin })).status).toBe(404);
    });

    it('should refuse a JSON body sent as text/plain with 415 and store nothing', async () => {
      const res = await management(policy, {
        method: 'PUT',
        body: '{"enabled":true}',
        headers: { ...asAdmin, 'Content-Type': 'text/plain' },
      });
      expect(res.status).toBe(415);
      expect(await code(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect((await management(policy, { headers: asAdmin })).status).toBe(404);
    });

    it('should refuse cross-site browser requests with 403 DENIED even with valid credentials, and change nothing', async () => {
      const forms: Array<[string, Record<string, string>]> = [
        ['Origin', { Origin: 'https://evil.example' }],
        ['Sec-Fetch-Site', { 'Sec-Fetch-Site': 'cross-site' }],
        ['form post', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' }],
      ];
      for (const [why, headers] of forms) {
        const del = await management(`/repositories/${enc('g1/pub')}/tags/v1`, { method: 'DELETE', headers: { ...asAdmin, ...headers } });
        expect(del.status, why).toBe(403);
        expect(await code(del)).toBe('DENIED');
        const put = await management(policy, {
          method: 'PUT',
          body: '{"enabled":true}',
          headers: { ...asAdmin, 'Content-Type': 'application/json', ...headers },
        });
        expect(put.status, why).toBe(403);
      }
      expect((await management(`/repositories/${enc('g1/pub')}/tags/v1`, { headers: asAdmin })).status).toBe(200);
      expect((await management(policy, { headers: asAdmin })).status).toBe(404);
    });

    it('should accept JSON from scripts, same-origin pages and the public URL', async () => {
      const body = JSON.stringify({ enabled: false });
      const json = { ...asAdmin, 'Content-Type': 'application/json; charset=utf-8' };
      expect((await management(policy, { method: 'PUT', body, headers: json })).status).toBe(200);
      expect(
        (await management(policy, { method: 'PUT', body, headers: { ...json, Origin: base, 'Sec-Fetch-Site': 'same-origin' } })).status,
      ).toBe(200);
      expect((await management(policy, { method: 'PUT', body, headers: { ...json, Origin: PUBLIC_URL } })).status).toBe(200);
      expect((await management(policy, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
    });

    it('should refuse unknown and prototype keys in cleanup bodies with 400', async () => {
      const json = { ...asAdmin, 'Content-Type': 'application/json' };
      for (const body of [
        '{"__proto__":{"enabled":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"prototype":1}',
        '{"enabled":true,"extra":1}',
      ]) {
        expect((await management(policy, { method: 'PUT', body, headers: json })).status, body).toBe(400);
        expect((await management(`${policy}/run?dry_run=true`, { method: 'POST', body, headers: json })).status, body).toBe(400);
      }
      const bulk = await management(`/repositories/${enc('g1/pub')}/tags?dry_run=true`, {
        method: 'DELETE',
        body: '{"__proto__":{"tags":["v1"]}}',
        headers: json,
      });
      expect(bulk.status).toBe(400);
    });
  });
});
