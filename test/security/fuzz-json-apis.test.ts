/**
 * Property-based fuzz of every JSON API of the standalone server over a real socket, with
 * generated names, bodies, content types and query strings: the deprecated admin and management
 * API (`/api/v1`), the token service (`/auth`), the registry's JSON listings (`/v2/…`), and
 * GitLab's REST API (`/api/v4`), whose routes and parameter names are read from its own OpenAPI
 * document (fuzz-api-v4.ts), so a route added later is fuzzed without anyone listing it.
 * Whatever is sent:
 * - the answer is never a 5xx;
 * - a caller who may not read a repository never sees its name, plainly, URL-encoded or hidden
 *   in a base64 cursor, in the body or in a header;
 * - the answer is small and quick (bounded size; time bounded generously, for a busy machine);
 * - on /api/v4, every 4xx is GitLab's JSON error (a string `message` or `error`), and a caller
 *   who cannot see a private project or group gets the same answer for it as for one that does
 *   not exist (each probe is sent twice: naming the hidden thing, and naming nothing);
 * - the server still answers afterwards.
 * An administrator's runs come last: its writes (deleting projects, blocking users) change the
 * world the other runs are checked against.
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
import { operationsOf, probed, type V4Pools, v4Requests } from './fuzz-api-v4.js';

const ADMIN = 'admin-fuzz-password-0123';
const ALICE = 'alice-fuzz-password-0123';
const MAX_BODY_BYTES = 256 * 1024;
const MAX_MS = 10_000;
const KEEPER = 'fuzzroot-fuzz-password-0123';
/** Runs of a property: `WHARF_FUZZ_RUNS` for all of them, or each its own (tuned for ~60 s on two cores). */
const runsOf = (tuned: number) => Number(process.env.WHARF_FUZZ_RUNS ?? tuned);
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

/** Send one generated request with `headers`; what came back, as text, with the time it took. */
async function send(base: string, req: FuzzRequest, headers: Readonly<Record<string, string>>) {
  const all: Record<string, string> = { ...headers };
  if (req.contentType) all['Content-Type'] = req.contentType;
  const url = new URL(`${base}${req.path}${req.query ? `?${req.query}` : ''}`);
  const started = performance.now();
  const res = await fetch(url, {
    method: req.method,
    headers: all,
    ...(req.body !== undefined ? { body: req.body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(MAX_MS * 2),
  });
  const text = await res.text();
  const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  // the path as the server got it: `..` and `%2e%2e` segments are resolved by the URL parser
  return { status: res.status, text, headerText, contentType: res.headers.get('content-type') ?? '', pathname: url.pathname, ms: performance.now() - started };
}
type Answer = Awaited<ReturnType<typeof send>>;
const authorization = (auth: string | undefined): Record<string, string> => (auth ? { Authorization: auth } : {});

/**
 * The pages after a listing, followed through its `next` cursor and `Link` header (a few at
 * most): a leak hides at the end of a page as often as in it.
 */
async function following(base: string, req: FuzzRequest, first: Answer, headers: Readonly<Record<string, string>>) {
  const pages: Answer[] = [];
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
    current = await send(base, currentReq, headers);
    pages.push(current);
  }
  return pages;
}

const describeRequest = (req: FuzzRequest) => `${req.method} ${req.path}?${req.query} ${req.contentType ?? ''} ${JSON.stringify(req.body)?.slice(0, 200)}`;

/** A call to `/api/v4` that must work (seeding, renewing credentials). @returns the parsed JSON answer */
async function v4Call(base: string, method: string, path: string, headers: Readonly<Record<string, string>>, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/v4${path}`, {
    method,
    headers: { ...headers, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /api/v4${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

/** Users of the /api/v4 fuzz by GitLab number: its own administrator (`fuzzroot`), the developer (alice), the outsider (eve). */
interface V4People {
  readonly keeper: number;
  readonly alice: number;
  readonly eve: number;
  /** The project alice's CI job runs in. */
  readonly jobProject: number;
}

/**
 * The credentials the /api/v4 fuzz sends, kept working: a fuzzed request may revoke its own
 * personal access token (`DELETE /personal_access_tokens/self`) or finish its own job, and the
 * rest of the run must still be sent as the caller it says. After any write that succeeded or
 * any 401, the tokens are checked and the dead ones replaced by the fuzz's own administrator
 * (whose id the fuzz never sends in a path, so it cannot block or delete itself).
 */
class V4Credentials {
  #suspect = true;
  #tokens = { keeper: '', alice: '', eve: '', job: '' };

  constructor(
    private readonly base: string,
    private readonly people: V4People,
    private readonly keeperPassword: string,
    private readonly alicePassword: string,
  ) {}

  /** The headers of the credential named `name` (the names {@link V4Credentials.NON_ADMIN} and {@link V4Credentials.ADMIN} list). */
  headers(name: string): Record<string, string> {
    const t = this.#tokens;
    const table: Record<string, Record<string, string>> = {
      none: {},
      'outsider PRIVATE-TOKEN': { 'PRIVATE-TOKEN': t.eve },
      'outsider Bearer': { Authorization: `Bearer ${t.eve}` },
      'developer JOB-TOKEN': { 'JOB-TOKEN': t.job },
      'developer Basic with a token': { Authorization: basic('alice', t.alice) },
      'developer Basic with her password': { Authorization: basic('alice', this.alicePassword) },
      'unknown PRIVATE-TOKEN': { 'PRIVATE-TOKEN': `wharf_pat_${'A'.repeat(40)}` },
      'unknown JOB-TOKEN': { 'JOB-TOKEN': `wharf_job_${'A'.repeat(40)}` },
      'admin PRIVATE-TOKEN': { 'PRIVATE-TOKEN': t.keeper },
      'admin Basic': { Authorization: basic('fuzzroot', this.keeperPassword) },
    };
    const headers = table[name];
    if (!headers) throw new Error(`no credential ${name}`);
    return headers;
  }

  /** Note an answer: a write that worked or a 401 may have changed what works. */
  saw(method: string, status: number): void {
    if (status === 401 || (method !== 'GET' && status < 300)) this.#suspect = true;
  }

  /** Replace whatever token the credentials `names` send stopped working (an administrator's run may have deleted the others' users). */
  async ensure(names: readonly string[]): Promise<void> {
    if (!this.#suspect) return;
    const t = this.#tokens;
    const uses = (...needed: string[]) => names.some((n) => needed.includes(n));
    const works = async (headers: Record<string, string>, path: string) => (await fetch(`${this.base}/api/v4${path}`, { headers })).status === 200;
    const mint = async (user: number) =>
      (await v4Call(this.base, 'POST', `/users/${user}/personal_access_tokens`, { 'PRIVATE-TOKEN': t.keeper }, { name: 'fuzz', scopes: ['api'] })).token as string;
    if (!t.keeper || !(await works({ 'PRIVATE-TOKEN': t.keeper }, '/personal_access_tokens/self'))) {
      t.keeper = (await v4Call(this.base, 'POST', `/users/${this.people.keeper}/personal_access_tokens`, this.headers('admin Basic'), { name: 'fuzz', scopes: ['api'] })).token as string;
    }
    if (uses('developer Basic with a token') && !(t.alice && (await works({ 'PRIVATE-TOKEN': t.alice }, '/personal_access_tokens/self')))) t.alice = await mint(this.people.alice);
    if (uses('outsider PRIVATE-TOKEN', 'outsider Bearer') && !(t.eve && (await works({ 'PRIVATE-TOKEN': t.eve }, '/personal_access_tokens/self')))) t.eve = await mint(this.people.eve);
    if (uses('developer JOB-TOKEN') && !(t.job && (await works({ 'JOB-TOKEN': t.job }, '/job')))) {
      t.job = (await v4Call(this.base, 'POST', `/projects/${this.people.jobProject}/jobs`, { 'PRIVATE-TOKEN': t.keeper }, { username: 'alice' })).token as string;
    }
    this.#suspect = false;
  }

  /** Credentials of callers who are not administrators, well-formed or not (repeated ones are sent more often). */
  static readonly NON_ADMIN = [
    'none',
    'none',
    'outsider PRIVATE-TOKEN',
    'outsider PRIVATE-TOKEN',
    'outsider Bearer',
    'developer JOB-TOKEN',
    'developer JOB-TOKEN',
    'developer Basic with a token',
    'developer Basic with a token',
    'developer Basic with her password',
    'unknown PRIVATE-TOKEN',
    'unknown JOB-TOKEN',
  ];
  /** An administrator's credentials (the token most of the time: a password check costs ~70 ms). */
  static readonly ADMIN = ['admin PRIVATE-TOKEN', 'admin PRIVATE-TOKEN', 'admin PRIVATE-TOKEN', 'admin Basic'];
}

/** A generated /api/v4 request in full, to repeat it by hand from a failure report. */
function describeV4(req: FuzzRequest, headers: Readonly<Record<string, string>>, credential: string): string {
  const body = req.body === undefined ? '' : `\n  body (${req.body.length} chars): ${JSON.stringify(req.body.slice(0, 2000))}`;
  return `${req.method} ${req.path}${req.query ? `?${req.query}` : ''}\n  as ${credential}: ${JSON.stringify(headers)}${req.contentType ? `\n  Content-Type: ${req.contentType}` : ''}${body}`;
}

/** What is wrong with an /api/v4 answer whoever asked, or `null`: a 5xx, a large or slow answer, or an error body that is not GitLab's JSON. */
function v4Problem(res: Answer): string | null {
  if (res.status >= 500) return `a ${res.status}`;
  if (res.text.length > MAX_BODY_BYTES) return `a ${res.text.length}-byte body`;
  if (res.ms > MAX_MS) return `an answer after ${Math.round(res.ms)} ms`;
  // only what the API itself answered: `..` may have walked the path out of /api/v4
  if (res.status < 400 || !res.pathname.startsWith('/api/v4/')) return null;
  if (!/^application\/json\b/i.test(res.contentType)) return `a ${res.status} of ${res.contentType || 'no content type'}`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  const { message, error } = (body ?? {}) as { message?: unknown; error?: unknown };
  if (!gitLabMessage(message) && typeof error !== 'string') return `a ${res.status} without a string message or error`;
  return null;
}

/**
 * GitLab's `message`: a string, or for a refused model its errors by field
 * (`{"name": ["has already been taken"]}`, or `{"error": "…"}` from a service).
 */
function gitLabMessage(message: unknown): boolean {
  if (typeof message === 'string') return true;
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return false;
  const reasons = Object.values(message);
  return reasons.length > 0 && reasons.every((r) => typeof r === 'string' || (Array.isArray(r) && r.every((x) => typeof x === 'string')));
}

/** `text` with its URL-encoded runs decoded (each run left as it is when it does not decode). */
function decoded(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** An answer's body with the probed identifier (as sent, and decoded) replaced where it stands alone, to compare twins. */
function withoutProbe(text: string, probe: string): string {
  let out = text;
  for (const form of new Set([probe, decoded(probe), JSON.stringify(decoded(probe)).slice(1, -1)])) {
    // not inside a longer word or number: the hidden project `4` is no part of `404`
    out = out.replace(new RegExp(`(?<![A-Za-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g'), '<probe>');
  }
  return out;
}

describe('fuzz of the JSON APIs', () => {
  let base: string;
  let stop: () => Promise<void>;
  const suffix = randomBytes(6).toString('hex');
  // Names only an administrator may see: a private group's project, and a private project in a public group.
  const secretGroup = `vault-${suffix}`;
  const secretRepos = [`${secretGroup}/hidden-${suffix}`, `team/secret-${suffix}`];
  const secrets = [secretGroup, ...secretRepos, `hidden-${suffix}`, `secret-${suffix}`];
  /** The ulids the admin API (/api/v1) gave the groups and projects, by path. */
  const ulids = new Map<string, string>();

  const admin = adminApi(() => base, 'admin', ADMIN);
  const push = (repo: string, tags: string[]) => pushImage(base, basic('admin', ADMIN), repo, tags);

  let people: V4People;
  let credentials: V4Credentials;
  /** The seeded world for the /api/v4 generators; `admin` runs avoid the fuzz's own administrator's id. */
  let pools: (forAdmin: boolean) => V4Pools;

  /** Seed what /api/v4 needs besides the v1 world: its own administrator, an outsider, a CI job, tokens and rules, hidden ones too. */
  async function seedV4(): Promise<void> {
    const asAdmin = { Authorization: basic('admin', ADMIN) };
    const keeper = (await v4Call(base, 'POST', '/users', asAdmin, { username: 'fuzzroot', password: KEEPER, admin: true })).id as number;
    const eve = (await v4Call(base, 'POST', '/users', asAdmin, { username: 'eve', password: `eve-${ALICE}` })).id as number;
    const aliceUser = (await (await fetch(`${base}/api/v4/users?username=alice`, { headers: asAdmin })).json()) as { id: number }[];
    const asKeeper = { Authorization: basic('fuzzroot', KEEPER) };
    const number = async (kind: 'projects' | 'groups', path: string) => String((await v4Call(base, 'GET', `/${kind}/${enc(path)}`, asKeeper)).id);
    const projects = Object.fromEntries(await Promise.all(['team/app', 'team/open', ...secretRepos].map(async (p) => [p, await number('projects', p)] as const)));
    const groups = Object.fromEntries(await Promise.all(['team', secretGroup].map(async (g) => [g, await number('groups', g)] as const)));
    const repositories: Record<string, string> = {};
    for (const [path, id] of Object.entries(projects)) {
      const list = (await (await fetch(`${base}/api/v4/projects/${id}/registry/repositories`, { headers: asKeeper })).json()) as { id: number }[];
      repositories[path] = String(list[0]?.id);
    }
    // A deploy token, a tag protection rule and a job in a visible project and in a hidden one.
    const extras = async (path: string) => {
      const project = projects[path] as string;
      const token = await v4Call(base, 'POST', `/projects/${project}/deploy_tokens`, asKeeper, { name: 'fuzz', scopes: ['read_registry'] });
      const rule = await v4Call(base, 'POST', `/projects/${project}/registry/protection/tag/rules`, asKeeper, {
        tag_name_pattern: 'v9.*',
        minimum_access_level_for_push: 'maintainer',
        minimum_access_level_for_delete: 'maintainer',
      });
      const job = await v4Call(base, 'POST', `/projects/${project}/jobs`, asKeeper, { username: 'fuzzroot' });
      return { token: String(token.id), rule: String(rule.id), job: String(job.id) };
    };
    const seen = await extras('team/app');
    const hidden = await extras(secretRepos[0] as string);
    people = { keeper, eve, alice: aliceUser[0]?.id as number, jobProject: Number(projects['team/app']) };
    credentials = new V4Credentials(base, people, KEEPER, ALICE);
    await credentials.ensure(V4Credentials.NON_ADMIN);

    const absent = '424242';
    const hiddenProjects = secretRepos.map((p) => projects[p] as string);
    const absentUlid = (ulid: string) => `${ulid.slice(0, -6)}ZZZZZZ`;
    pools = (forAdmin) => ({
      ids: {
        project: [...Object.values(projects), 'team%2Fapp', 'team%2Fopen', ...secretRepos.map(enc)],
        group: [...Object.values(groups), 'team', enc(secretGroup)],
        repository: Object.values(repositories),
        user: [1, people.alice, people.eve, people.keeper].map(String),
        deploy_token: [seen.token, hidden.token],
        protection_rule: [seen.rule, hidden.rule],
        job: [seen.job, hidden.job],
        tag: ['v1', 'v2', 'latest', 'v0', 'sha256:' + '0'.repeat(64)],
      },
      nearMisses: ['team%2Fapp%2F', '%2Fteam%2Fapp', 'TEAM%2FAPP', 'team%2F%2Fapp', 'team%2Fapp%00', 'team%2F', `${enc(secretRepos[0] as string)}%2F`],
      probes: forAdmin
        ? {}
        : {
            project: [
              [hiddenProjects[0] as string, absent],
              [hiddenProjects[1] as string, '99999999'],
              [enc(secretRepos[0] as string), enc(`${secretGroup}/nothing-${suffix}`)],
              [enc(secretRepos[1] as string), enc(`team/nothing-${suffix}`)],
              [ulids.get(secretRepos[0] as string) as string, absentUlid(ulids.get(secretRepos[0] as string) as string)],
            ],
            group: [
              [groups[secretGroup] as string, absent],
              [secretGroup, `nothing-${suffix}`],
              [ulids.get(secretGroup) as string, absentUlid(ulids.get(secretGroup) as string)],
            ],
            repository: secretRepos.map((p) => [repositories[p] as string, absent] as const),
            deploy_token: [[hidden.token, absent]],
            protection_rule: [[hidden.rule, absent]],
            job: [[hidden.job, absent]],
          },
      // Callers who are not administrators are never handed a hidden name to write somewhere it could come back from.
      words: ['alice', 'eve', 'root', 'team', 'team/app', 'team/open', 'app', String(people.alice), ...(forAdmin ? [secretGroup, ...secretRepos] : [])],
      avoid: forAdmin ? [String(people.keeper), 'fuzzroot'] : [],
    });
  }

  beforeAll(async () => {
    ({ base, stop } = await startServer());
    await admin('POST', '/users', { username: 'alice', password: ALICE });
    await admin('POST', '/groups', { path: 'team', visibility: 'public' });
    ulids.set(secretGroup, (await admin('POST', '/groups', { path: secretGroup, visibility: 'private' })).id as string);
    for (const [path, visibility] of [
      ['team/app', 'private'],
      ['team/open', 'public'],
      [secretRepos[0], 'private'],
      [secretRepos[1], 'private'],
    ] as const) {
      ulids.set(path as string, (await admin('POST', '/projects', { path, visibility })).id as string);
    }
    await admin('POST', `/projects/${enc('team/app')}/members`, { username: 'alice', role: 'developer' });
    for (const repo of ['team/app', 'team/open', ...secretRepos]) await push(repo, ['v1', 'v2', 'latest']);
    await seedV4();
  }, 60_000);
  afterAll(async () => {
    await stop?.();
  });

  for (const [who, auth, runs] of [
    ['anonymous', undefined, 300],
    ['a signed-in developer', basic('alice', ALICE), 80],
  ] as const) {
    it(`should answer ${who} on /api/v1, /auth and /v2 without a 5xx, a leaked private name, a large body or a long wait`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzRequest, async (req) => {
          const first = await send(base, req, authorization(auth));
          for (const res of [first, ...(await following(base, req, first, authorization(auth)))]) {
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
        { numRuns: runsOf(runs), interruptAfterTimeLimit: 120_000 },
      );
      // The fuzz changed nothing it may not: the developer still logs in and pulls her project.
      const q = new URLSearchParams({ service: SERVICE, scope: 'repository:team/app:pull' });
      const res = await fetch(`${base}/auth/token?${q}`, { headers: { Authorization: basic('alice', ALICE) } });
      expect(res.status).toBe(200);
    }, 180_000);
  }

  it('should answer every /api/v4 route, called by anyone but an administrator, without a 5xx, an error that is not JSON, a leaked private name, or a hidden project or group told apart from a missing one', async () => {
    const operations = operationsOf(await (await fetch(`${base}/api/v4/openapi.json`)).json());
    // the document is the route list: an empty or truncated one would fuzz nothing
    expect(operations.length).toBeGreaterThan(50);
    await fc.assert(
      fc.asyncProperty(v4Requests(operations, pools(false), V4Credentials.NON_ADMIN, true), async (generated) => {
        await credentials.ensure(V4Credentials.NON_ADMIN);
        const headers = credentials.headers(generated.credential);
        const req = probed(generated, 'hidden');
        const first = await send(base, req, headers);
        credentials.saw(req.method, first.status);
        const sent = describeV4(req, headers, req.credential);
        const what = `${sent}\n→ ${first.status} ${first.text.slice(0, 300)}`;
        // echoing a name the caller typed (URL-encoded or not) reveals nothing
        const typed = `${sent}\n${decoded(sent)}`;
        for (const res of [first, ...(await following(base, req, first, headers))]) {
          expect(v4Problem(res), `${what}\n(page: ${res.status} ${res.text.slice(0, 300)})`).toBeNull();
          for (const secret of secrets) {
            if (typed.includes(secret)) continue;
            expect(mentions(`${res.headerText}\n${res.text}`, secret), `${what}\nmentions ${secret}`).toBe(false);
          }
        }
        if (!generated.probe) return;
        // The same request naming something that does not exist must be answered alike.
        const twin = probed(generated, 'absent');
        const other = await send(base, twin, headers);
        credentials.saw(twin.method, other.status);
        expect(v4Problem(other), `${describeV4(twin, headers, twin.credential)}\n→ ${other.status} ${other.text.slice(0, 300)}`).toBeNull();
        expect(
          `${other.status} ${withoutProbe(other.text, generated.probe.absent)}`,
          `${what}\nbut with ${generated.probe.absent} (nothing) instead of ${generated.probe.hidden} (hidden ${generated.probe.kind}): ${other.status} ${other.text.slice(0, 300)}`,
        ).toBe(`${first.status} ${withoutProbe(first.text, generated.probe.hidden)}`);
      }),
      { numRuns: runsOf(600), interruptAfterTimeLimit: 120_000 },
    );
    await expectV4Answering();
  }, 180_000);

  it('should answer an administrator on /api/v1, /auth and /v2 without a 5xx, a large body or a long wait', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const res = await send(base, req, authorization(basic('admin', ADMIN)));
        const what = `${describeRequest(req)} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        expect(res.text.length, what).toBeLessThanOrEqual(MAX_BODY_BYTES);
        expect(res.ms, what).toBeLessThan(MAX_MS);
      }),
      { numRuns: runsOf(80), interruptAfterTimeLimit: 120_000 },
    );
  }, 180_000);

  // Last: an administrator's writes (deleting projects, blocking users) change the world the other runs rely on.
  it('should answer an administrator on every /api/v4 route without a 5xx or an error that is not JSON', async () => {
    const operations = operationsOf(await (await fetch(`${base}/api/v4/openapi.json`)).json());
    await fc.assert(
      fc.asyncProperty(v4Requests(operations, pools(true), V4Credentials.ADMIN, false), async (req) => {
        await credentials.ensure(V4Credentials.ADMIN);
        const headers = credentials.headers(req.credential);
        const res = await send(base, req, headers);
        credentials.saw(req.method, res.status);
        expect(v4Problem(res), `${describeV4(req, headers, req.credential)}\n→ ${res.status} ${res.text.slice(0, 300)}`).toBeNull();
      }),
      { numRuns: runsOf(400), interruptAfterTimeLimit: 120_000 },
    );
    await expectV4Answering();
  }, 180_000);

  /** The server still answers /api/v4 after a fuzz: its document, and its administrator. */
  async function expectV4Answering(): Promise<void> {
    expect((await fetch(`${base}/api/v4/openapi.json`)).status).toBe(200);
    const res = await fetch(`${base}/api/v4/user`, { headers: { Authorization: basic('fuzzroot', KEEPER) } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { is_admin?: boolean }).is_admin).toBe(true);
  }
});
