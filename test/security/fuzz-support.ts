/**
 * Generators for the JSON API fuzz: request shapes built from every route of the deprecated
 * admin API (`/api/v1`), the management API (`/api/v1/registry`), the token service (`/auth`)
 * and the registry's JSON listings (`/v2/…`), filled with hostile names, query strings and
 * bodies; and the check that a response does not mention a name. (GitLab's REST API, `/api/v4`,
 * has its own generators, built from its OpenAPI document: fuzz-api-v4.ts.)
 */
import fc from 'fast-check';

/** Names that have broken registries and JavaScript stores before (path segments of every fuzz). */
export const HOSTILE = [
  'constructor',
  '__proto__',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%00',
  'a%2Fb',
  'team',
  'team%2Fapp',
  'admin',
  'alice',
  'root',
  '1',
  '0',
  '-1',
  '99999999999999999999',
  'null',
  'undefined',
  'NaN',
  '%E2%80%AE',
  'x'.repeat(300),
  '%ff%fe',
  'sha256:' + '0'.repeat(64),
  'sha256:zz',
  'latest',
];

const segment = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.stringMatching(/^[a-z0-9._-]{1,40}$/),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || 'x'),
);

/** A route template; `:x` parts are filled with generated segments. */
const ROUTES: readonly { methods: readonly string[]; path: string }[] = [
  { methods: ['GET'], path: '/api/v1/user' },
  { methods: ['GET', 'POST'], path: '/api/v1/users' },
  { methods: ['GET', 'PATCH', 'DELETE'], path: '/api/v1/users/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/users/:x/personal_access_tokens' },
  { methods: ['DELETE'], path: '/api/v1/personal_access_tokens/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/groups' },
  { methods: ['GET', 'PATCH', 'DELETE'], path: '/api/v1/groups/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/groups/:x/members' },
  { methods: ['PUT', 'DELETE'], path: '/api/v1/groups/:x/members/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/groups/:x/deploy_tokens' },
  { methods: ['GET', 'POST'], path: '/api/v1/projects' },
  { methods: ['GET', 'PATCH', 'DELETE'], path: '/api/v1/projects/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/projects/:x/members' },
  { methods: ['PUT', 'DELETE'], path: '/api/v1/projects/:x/members/:x' },
  { methods: ['GET', 'POST'], path: '/api/v1/projects/:x/deploy_tokens' },
  { methods: ['DELETE'], path: '/api/v1/deploy_tokens/:x' },
  { methods: ['POST'], path: '/api/v1/projects/:x/jobs' },
  { methods: ['GET'], path: '/api/v1/jobs/:x' },
  { methods: ['POST'], path: '/api/v1/jobs/:x/finish' },
  { methods: ['GET'], path: '/api/v1/registry/repositories' },
  { methods: ['GET', 'DELETE'], path: '/api/v1/registry/repositories/:x/tags' },
  { methods: ['GET', 'DELETE'], path: '/api/v1/registry/repositories/:x/tags/:x' },
  { methods: ['DELETE'], path: '/api/v1/registry/repositories/:x' },
  { methods: ['POST'], path: '/api/v1/registry/repositories/:x/rename' },
  { methods: ['GET'], path: '/api/v1/registry/deletions/:x' },
  { methods: ['GET'], path: '/api/v1/registry/usage' },
  { methods: ['GET', 'PUT', 'DELETE'], path: '/api/v1/registry/projects/:x/cleanup_policy' },
  { methods: ['POST'], path: '/api/v1/registry/projects/:x/cleanup_policy/run' },
  { methods: ['GET'], path: '/api/v1/registry/projects/:x/cleanup_policy/runs' },
  { methods: ['POST'], path: '/api/v1/registry/gc' },
  { methods: ['GET'], path: '/api/v1/registry/gc/:x' },
  { methods: ['GET', 'POST'], path: '/auth/token' },
  { methods: ['GET'], path: '/auth/jwks' },
  { methods: ['GET'], path: '/v2/_catalog' },
  { methods: ['GET'], path: '/v2/:x/tags/list' },
  { methods: ['GET'], path: '/v2/:x/:x/tags/list' },
  { methods: ['GET'], path: '/v2/:x/referrers/:x' },
];

/** Query parameter names the APIs know, plus some they do not. */
const QUERY_KEYS = [
  'per_page',
  'cursor',
  'sort',
  'order',
  'search',
  'prefix',
  'name',
  'n',
  'last',
  'scope',
  'service',
  'account',
  'offline_token',
  'client_id',
  'dry_run',
  'delete_untagged',
  'grace',
  'artifactType',
  '__proto__',
  'constructor',
];
const queryValue = fc.oneof(
  fc.constantFrom('1', '2', '3', '5', 'desc', 'created', 'updated', 't', 'v', 'h'),
  fc.constantFrom('asc', 'desc', 'name', 'created', 'updated', '0', '1', '-1', '1e309', '20', '10001', 'true', 'g', 'team/', 'team', 'wharf-registry'),
  fc.constantFrom('repository:team/app:pull', 'repository:*:*', 'registry:catalog:*', 'repository:team/app:pull,push,delete,*'),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 60 }).map((s) => Buffer.from(s).toString('base64url')),
  fc.constant(Buffer.from(JSON.stringify({ k: '', n: '' })).toString('base64url')),
);
const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 5 }).map((pairs) => {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) q.append(k, v);
  return q.toString();
});

/** Body field names the APIs know, and dangerous ones. */
const FIELDS = [
  'username',
  'password',
  'admin',
  'two_factor',
  'external',
  'blocked',
  'name',
  'scopes',
  'expires_at',
  'path',
  'parent_id',
  'namespace_id',
  'visibility',
  'user',
  'user_id',
  'role',
  'access_level',
  'max_duration_seconds',
  'tags',
  'to',
  'name_regex_delete',
  'name_regex_keep',
  'name_regex',
  'keep_n',
  'older_than',
  'enabled',
  'cadence',
  '__proto__',
  'constructor',
  'prototype',
];
const fieldValue = fc.oneof(
  fc.constantFrom('10000-01-01', '2030-01-01', '1970-01-01T00:00:00Z', 'not-a-date', 'developer', 'owner', 'public', 'private', 'read_registry', '(a+)+$', '.*', '7d', '99999d'),
  fc.constantFrom(...HOSTILE),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.constantFrom('read_registry', 'write_registry', 'api', 'v1', '__proto__'), fc.string({ maxLength: 10 })), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const objectBody = fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 6 }).map((o) => JSON.stringify(o));
const body = fc.oneof(
  objectBody,
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant('{"__proto__":{"admin":true},"username":"x"}'),
  fc.constant(''),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined);

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom(...ROUTES), fc.nat(), fc.array(segment, { minLength: 4, maxLength: 4 }), query, body, contentType)
  .map(([route, m, segments, q, b, ct]) => {
    const method = route.methods[m % route.methods.length] as string;
    let i = 0;
    const path = route.path.replace(/:x/g, () => segments[i++ % segments.length] as string);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    return { method, path, query: q, body: hasBody ? b : undefined, contentType: hasBody ? ct : undefined };
  });

/** Listings with small pages in every order: where a page boundary or cursor can give a name away. */
const LISTINGS = ['/api/v1/registry/repositories', '/api/v1/registry/usage', '/api/v1/groups', '/api/v1/projects', '/api/v1/users', '/v2/_catalog'];
const listingRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    path: fc.constantFrom(...LISTINGS),
    per_page: fc.constantFrom('1', '2', '3'),
    sort: fc.option(fc.constantFrom('name', 'created', 'updated'), { nil: undefined }),
    order: fc.option(fc.constantFrom('asc', 'desc'), { nil: undefined }),
    search: fc.option(fc.constantFrom('e', 't', 'v', 'h', '/', 'team/', 'secret', 'hidden', 'vault'), { nil: undefined }),
    prefix: fc.option(fc.constantFrom('team', 'vault', 'team/app', 't'), { nil: undefined }),
  })
  .map(({ path, per_page, ...rest }) => {
    const q = new URLSearchParams(path === '/v2/_catalog' ? { n: per_page } : { per_page });
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) q.set(k, v);
    return { method: 'GET', path, query: q.toString(), body: undefined, contentType: undefined };
  });

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof({ arbitrary: anyRequest, weight: 3 }, { arbitrary: listingRequest, weight: 1 });

/**
 * Every way `secret` could be hidden in `text`: plainly, URL-encoded, or inside a base64 or
 * base64url token (cursors are base64url JSON).
 */
export function mentions(text: string, secret: string): boolean {
  let decodedText = text;
  try {
    decodedText = decodeURIComponent(text);
  } catch {
    // not URL-encoded as a whole: scan it as it is
  }
  for (const t of [text, decodedText]) {
    if (t.includes(secret)) return true;
    for (const token of t.match(/[A-Za-z0-9_+/-]{8,}={0,2}/g) ?? []) {
      // a token may be glued to a path (`/deletions/eyJ…`): try every alignment
      for (let offset = 0; offset < 4; offset++) {
        const part = token.slice(offset);
        for (const encoding of ['base64url', 'base64'] as const) {
          if (Buffer.from(part, encoding).toString('latin1').includes(secret)) return true;
        }
      }
    }
  }
  return false;
}
