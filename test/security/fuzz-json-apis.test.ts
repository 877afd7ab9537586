/**
 * Property-based fuzz of every JSON API of the standalone server (admin API, management API,
 * token service, the registry's JSON listings) over a real socket, with generated names, bodies,
 * content types and query strings. Whatever is sent:
 * - the answer is never a 5xx;
 * - a caller who may not read a repository never sees its name, plainly, URL-encoded or hidden
 *   in a base64 cursor, in the body or in a header;
 * - the answer is small and quick (bounded size; time bounded generously, for a busy machine).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, basic, pushImage } from './support.js';
import { serve } from '@wharf/adapter-node';
import { createStandaloneApp, SERVICE } from '@wharf/server';
import { type FuzzRequest, fuzzRequest, mentions } from './fuzz-support.js';

const ADMIN = 'admin-fuzz-password-0123';
const ALICE = 'alice-fuzz-password-0123';
const MAX_BODY_BYTES = 256 * 1024;
const MAX_MS = 10_000;
const RUNS = Number(process.env.WHARF_FUZZ_RUNS ?? 300);
const enc = encodeURIComponent;

async function startServer() {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-fuzz-'));
  const { app, close } = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: ADMIN });
  const server = await serve(app, { port: 0 });
  return {
    base: server.url,
    stop: async () => {
      await server.close();
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Send one generated request; what came back, as text, with the time it took. */
async function send(base: string, req: FuzzRequest, auth: string | undefined) {
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = auth;
  if (req.contentType) headers['Content-Type'] = req.contentType;
  const started = performance.now();
  const res = await fetch(`${base}${req.path}${req.query ? `?${req.query}` : ''}`, {
    method: req.method,
    headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(MAX_MS * 2),
  });
  const text = await res.text();
  const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return { status: res.status, text, headerText, ms: performance.now() - started };
}

/**
 * The pages after a listing, followed through its `next` cursor and `Link` header (a few at
 * most): a leak hides at the end of a page as often as in it.
 */
async function following(base: string, req: FuzzRequest, first: Awaited<ReturnType<typeof send>>, auth: string | undefined) {
  const pages: Awaited<ReturnType<typeof send>>[] = [];
  let current = first;
  let currentReq = req;
  for (let i = 0; i < 4 && current.status === 200 && req.method === 'GET'; i++) {
    const link = /<([^>]+)>;\s*rel="next"/.exec(current.headerText)?.[1];
    let next: string | undefined;
    try {
      next = (JSON.parse(current.text) as { next?: unknown }).next as string | undefined;
    } catch {
      // not JSON
    }
    let target: URL | undefined;
    if (link) target = new URL(link, base);
    else if (typeof next === 'string') {
      target = new URL(`${base}${currentReq.path}?${currentReq.query}`);
      target.searchParams.set('cursor', next);
    }
    if (!target) break;
    currentReq = { ...currentReq, path: target.pathname, query: target.search.slice(1) };
    current = await send(base, currentReq, auth);
    pages.push(current);
  }
  return pages;
}

const describeRequest = (req: FuzzRequest) => `${req.method} ${req.path}?${req.query} ${req.contentType ?? ''} ${JSON.stringify(req.body)?.slice(0, 200)}`;

describe('fuzz of the JSON APIs', () => {
  let base: string;
  let stop: () => Promise<void>;
  const suffix = randomBytes(6).toString('hex');
  // Names only an administrator may see: a private group's project, and a private project in a public group.
  const secretGroup = `vault-${suffix}`;
  const secretRepos = [`${secretGroup}/hidden-${suffix}`, `team/secret-${suffix}`];
  const secrets = [secretGroup, ...secretRepos, `hidden-${suffix}`, `secret-${suffix}`];

  const admin = adminApi(() => base, 'admin', ADMIN);
  const push = (repo: string, tags: string[]) => pushImage(base, basic('admin', ADMIN), repo, tags);

  beforeAll(async () => {
    ({ base, stop } = await startServer());
    await admin('POST', '/users', { username: 'alice', password: ALICE });
    await admin('POST', '/groups', { path: 'team', visibility: 'public' });
    await admin('POST', '/groups', { path: secretGroup, visibility: 'private' });
    for (const [path, visibility] of [
      ['team/app', 'private'],
      ['team/open', 'public'],
      [secretRepos[0], 'private'],
      [secretRepos[1], 'private'],
    ] as const) {
      await admin('POST', '/projects', { path, visibility });
    }
    await admin('POST', `/projects/${enc('team/app')}/members`, { username: 'alice', role: 'developer' });
    for (const repo of ['team/app', 'team/open', ...secretRepos]) await push(repo, ['v1', 'v2', 'latest']);
  }, 60_000);
  afterAll(async () => {
    await stop?.();
  });

  for (const [who, auth] of [
    ['anonymous', undefined],
    ['a signed-in developer', basic('alice', ALICE)],
  ] as const) {
    it(`should answer ${who} without a 5xx, a leaked private name, a large body or a long wait`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzRequest, async (req) => {
          const first = await send(base, req, auth);
          for (const res of [first, ...(await following(base, req, first, auth))]) {
            const what = `${describeRequest(req)} → ${res.status} ${res.text.slice(0, 300)}`;
            expect(res.status, what).toBeLessThan(500);
            expect(res.text.length, what).toBeLessThanOrEqual(MAX_BODY_BYTES);
            expect(res.ms, what).toBeLessThan(MAX_MS);
            const sent = describeRequest(req);
            for (const secret of secrets) {
              // echoing a name the caller typed reveals nothing
              if (sent.includes(secret)) continue;
              expect(mentions(`${res.headerText}\n${res.text}`, secret), `${what} mentions ${secret}`).toBe(false);
            }
          }
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: 120_000 },
      );
      // The fuzz changed nothing it may not: the developer still logs in and pulls her project.
      const q = new URLSearchParams({ service: SERVICE, scope: 'repository:team/app:pull' });
      const res = await fetch(`${base}/auth/token?${q}`, { headers: { Authorization: basic('alice', ALICE) } });
      expect(res.status).toBe(200);
    }, 180_000);
  }

  it('should answer an administrator without a 5xx, a large body or a long wait', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const res = await send(base, req, basic('admin', ADMIN));
        const what = `${describeRequest(req)} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        expect(res.text.length, what).toBeLessThanOrEqual(MAX_BODY_BYTES);
        expect(res.ms, what).toBeLessThan(MAX_MS);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 120_000 },
    );
  }, 180_000);
});
