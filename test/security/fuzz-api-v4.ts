/**
 * Generators for the fuzz of GitLab's REST API (`/api/v4`), built from the server's own OpenAPI
 * document rather than a hand-kept list: every path and method it documents is fuzzed, with the
 * parameter names it documents (query parameters and request bodies) given wrong values, so a
 * route added tomorrow is fuzzed tomorrow.
 *
 * Path parameters get the hostile segments of fuzz-support.ts, numeric ids (real ones of the
 * seeded world, 0, -1, huge, not numeric) and URL-encoded full paths. A request may carry a
 * probe: one path parameter (or a body or query parameter naming a namespace, such as
 * `namespace_id` or `parent_id`) that names something the caller cannot see, sent twice — once
 * with the hidden thing's id or path, once with one of the same form that names nothing — so the
 * test can check the two answers are alike (GitLab answers 404 for both; any difference tells an
 * outsider the hidden thing exists).
 * @module
 */
import fc from 'fast-check';
import { type FuzzRequest, HOSTILE } from './fuzz-support.js';

/** What a path parameter names, as far as the fuzz cares (picks real ids and probes). */
export type SlotKind = 'project' | 'group' | 'repository' | 'user' | 'personal_access_token' | 'deploy_token' | 'job' | 'protection_rule' | 'tag' | 'other';

/** The seeded world, as the generators fill requests with it. */
export interface V4Pools {
  /** Real identifiers per kind (numeric ids as strings, URL-encoded full paths). */
  readonly ids: Readonly<Partial<Record<SlotKind, readonly string[]>>>;
  /** `[hidden, absent]` pairs per kind: an id of something hidden, and one of the same form naming nothing. */
  readonly probes: Readonly<Partial<Record<SlotKind, readonly (readonly [string, string])[]>>>;
  /** Near misses of real identifiers (`team%2Fapp%2F`, `TEAM%2FAPP`), sent in any path parameter. */
  readonly nearMisses: readonly string[];
  /** Names, paths and usernames worth putting in bodies and queries. */
  readonly words: readonly string[];
  /** Path segments never to send (the identity the run depends on, e.g. its own admin's id). */
  readonly avoid: readonly string[];
}

/** A generated request to `/api/v4`; its path, query or body holds {@link PROBE} where a probe goes. */
export interface V4Request extends FuzzRequest {
  /** The name of the credential to send it with (the test maps names to headers). */
  readonly credential: string;
  readonly probe?: { readonly kind: SlotKind; readonly hidden: string; readonly absent: string };
}

/** The placeholder of the probed parameter. */
export const PROBE = '@PROBE@';

/**
 * The request with its probe (if any) filled with the hidden or the absent identifier: as it is
 * in the path (where it is URL-encoded already), decoded in a query or a body.
 */
export function probed(req: V4Request, which: 'hidden' | 'absent'): V4Request {
  if (!req.probe) return req;
  const inPath = req.probe[which];
  let plain = inPath;
  try {
    plain = decodeURIComponent(inPath);
  } catch {
    // sent as it is
  }
  const inForm = (text: string) => text.split(encodeURIComponent(PROBE)).join(encodeURIComponent(plain)).split(PROBE).join(JSON.stringify(plain).slice(1, -1));
  return { ...req, path: req.path.split(PROBE).join(inPath), query: inForm(req.query), ...(req.body !== undefined ? { body: inForm(req.body) } : {}) };
}

/** Body and query parameters that name a namespace (a group, by id or full path). */
const NAMESPACE_PARAMETERS: ReadonlySet<string> = new Set(['namespace_id', 'namespace', 'parent_id']);

/** The subset of JSON Schema that zod writes into the OpenAPI document. */
interface Schema {
  readonly type?: string | readonly string[];
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly pattern?: string;
  readonly maxLength?: number;
}

/** One documented operation. */
export interface Operation {
  readonly method: string;
  /** OpenAPI's path, relative to the API's base: `/projects/{id}`. */
  readonly path: string;
  /** Parameter names and schemas from the query parameters and the request body together. */
  readonly params: readonly (readonly [string, Schema])[];
}

interface OpenApiOperation {
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly schema?: Schema }[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> };
}

/** Every operation of an OpenAPI document (`paths` × methods). */
export function operationsOf(document: unknown): Operation[] {
  const paths = (document as { paths?: Record<string, Record<string, OpenApiOperation>> }).paths ?? {};
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params: [string, Schema][] = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]);
      const body = op.requestBody?.content?.['application/json']?.schema?.properties ?? {};
      params.push(...Object.entries(body));
      out.push({ method: method.toUpperCase(), path, params });
    }
  }
  return out;
}

/** The kind of the path parameter `name`, which follows the segment `before`. */
export function slotKind(name: string, before: string): SlotKind {
  if (name === 'id') {
    const byCollection: Record<string, SlotKind> = {
      projects: 'project',
      groups: 'group',
      repositories: 'repository',
      users: 'user',
      personal_access_tokens: 'personal_access_token',
    };
    return byCollection[before] ?? 'other';
  }
  const byName: Record<string, SlotKind> = {
    user_id: 'user',
    repository_id: 'repository',
    job_id: 'job',
    protection_rule_id: 'protection_rule',
    tag_name: 'tag',
    token_id: 'deploy_token',
    deploy_token_id: 'deploy_token',
  };
  return byName[name] ?? 'other';
}

/** Ids of no record, of every numeric shape a parser can trip on. */
const ODD_IDS = ['0', '-1', '00', '01', '1.5', '1e3', '0x10', '+1', ' 1', '99999999999999999999', '9007199254740993', '1000000000000000', '%C2%B9', 'abc', '%20'];

/** Hostile values of every JSON type, for any parameter. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'true', 'NaN', '1e3', '0x10', '-0', '__proto__', 'constructor'),
  fc.constantFrom({}, [], [[]], { a: { b: { c: 1 } } }, [1, 'a', null], { __proto__: null, admin: true }, { id: 1 }, { toString: 'x' }),
  fc.constantFrom(...HOSTILE),
  fc.constantFrom('x'.repeat(256), 'x'.repeat(1025), '\u202e'.repeat(100), '\u0000', '😀'.repeat(50)),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Words GitLab's parameters take (dates, scopes, roles, regexes, cadences …), right or nearly. */
const DOMAIN_WORDS = [
  '2030-01-01',
  '10000-01-01',
  '2020-02-30',
  '1970-01-01T00:00:00Z',
  'not-a-date',
  'api',
  'read_api',
  'read_registry',
  'write_registry',
  'sudo',
  'guest',
  'reporter',
  'developer',
  'maintainer',
  'owner',
  'admin',
  '10',
  '20',
  '30',
  '40',
  '50',
  '60',
  '.*',
  'v.+',
  '(a+)+$',
  '[',
  '\\',
  '1d',
  '7d',
  '14d',
  '1month',
  '3month',
  '90d',
  '99999d',
  'keyset',
  'offset',
  'asc',
  'desc',
  'name',
  'id',
  'created_at',
  'updated_at',
  'private',
  'internal',
  'public',
  'enabled',
  'disabled',
  'active',
  'inactive',
  'running',
  'success',
  'v1',
  'latest',
];

/**
 * A value the schema accepts (`strict`: plainly, to get past validation and reach the handler),
 * or one at its edge (enum members, bounds, lengths just over, negative numbers).
 */
function fitting(schema: Schema, words: fc.Arbitrary<string>, strict: boolean, depth = 0): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((s) => fitting(s, words, strict, depth)));
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  const options: fc.Arbitrary<unknown>[] = [];
  for (const type of types) {
    if (type === 'integer' || type === 'number')
      options.push(strict ? fc.constantFrom(1, 2, 3, 5, 20, 100) : fc.oneof(fc.constantFrom(0, 101, -1, 2 ** 31, Number.MAX_SAFE_INTEGER), fc.integer()));
    else if (type === 'boolean') options.push(fc.boolean());
    else if (type === 'null') options.push(fc.constant(null));
    else if (type === 'array') options.push(fc.array(schema.items ? fitting(schema.items, words, strict, depth + 1) : words, { maxLength: 4 }));
    else if (type === 'object' && depth < 2) {
      const props = Object.entries(schema.properties ?? {});
      options.push(props.length ? fieldsOf(props, words, depth + 1, strict ? 'fit' : 'mixed').map((pairs) => Object.fromEntries(pairs)) : fc.constant({}));
    } else if (type === 'string' && schema.pattern?.includes('\\d')) {
      options.push(strict ? fc.constantFrom('1', '2', '3', '20') : fc.constantFrom('0', '-1', '999999999999999', '1000000000000000', '1.0', ''));
    } else if (type === 'string') {
      const max = schema.maxLength ?? 300;
      options.push(strict ? fc.oneof(words, fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/)) : fc.oneof(fc.constant('x'.repeat(max)), fc.constant('x'.repeat(max + 1)), fc.string({ maxLength: 20 }), fc.constant('')));
    }
  }
  return options.length ? fc.oneof(...options) : wrongValue;
}

/**
 * Some of `props`: in `fit` mode each right or at its edge (to get past validation and reach the
 * handler), in `mixed` mode each right-ish or of a wrong type, with now and then a dangerous or
 * unknown key besides.
 */
function fieldsOf(props: readonly (readonly [string, Schema])[], words: fc.Arbitrary<string>, depth = 0, mode: 'fit' | 'mixed' = 'mixed'): fc.Arbitrary<[string, unknown][]> {
  const value = (schema: Schema) =>
    mode === 'fit'
      ? fitting(schema, words, true, depth)
      : fc.oneof({ arbitrary: fitting(schema, words, true, depth), weight: 1 }, { arbitrary: fitting(schema, words, false, depth), weight: 1 }, { arbitrary: wrongValue, weight: 1 });
  const known = fc
    .tuple(...props.map(([name, schema]) => fc.option(value(schema).map((v): [string, unknown] => [name, v]), { nil: undefined, freq: 2 })))
    .map((list) => list.filter((f): f is [string, unknown] => f !== undefined));
  if (mode === 'fit') return known;
  const extra = fc.array(
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'sudo', 'private_token', 'admin', 'is_admin', ''), wrongValue),
    { maxLength: 2 },
  );
  return fc.tuple(known, extra).map(([k, e]) => [...k, ...e]);
}

/** `key=value` pairs as a form or query string writes them: Rails' `key[]=`, `key[sub]=`, or joined with commas. */
function formPairs(key: string, value: unknown, style: number, depth = 0): [string, string][] {
  if (Array.isArray(value)) {
    if (style % 3 === 2) return [[key, value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',')]];
    if (value.length === 0) return [[`${key}[]`, '']];
    return value.flatMap((v) => formPairs(style % 3 === 0 ? `${key}[]` : key, v, style, depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    if (depth > 2) return [[key, JSON.stringify(value)]];
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => formPairs(`${key}[${k}]`, v, style, depth + 1)) : [[`${key}[]`, '']];
  }
  return [[key, value === null || value === undefined ? '' : String(value)]];
}

/** Longest query string sent: the server's header limit (16 KiB) is Node's, not the API's. */
const MAX_QUERY = 6000;

function queryOf(pairs: readonly [string, unknown][], style: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) for (const [name, value] of formPairs(k, v, style)) q.append(name, value);
  let text = q.toString();
  while (text.length > MAX_QUERY) text = text.slice(0, text.lastIndexOf('&') > 0 ? text.lastIndexOf('&') : MAX_QUERY);
  return text;
}

/** A JSON object written by hand, so `__proto__` and repeated keys reach the server as sent. */
function jsonObjectText(pairs: readonly [string, unknown][]): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

const ODD_BODIES = fc.constantFrom(
  '',
  '[]',
  'null',
  '1',
  '"x"',
  '{',
  '{"a":',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
  `{"name":"${'x'.repeat(70_000)}"}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  'name=x&name=y&scopes[]=api&scopes[][]=x&__proto__[admin]=true',
  '\u0000\u0001',
);

const CONTENT_TYPES = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  undefined,
);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Requests to every operation of `operations`, sent with one of `credentials`: path parameters
 * filled from `pools`, query and body from the operation's parameters. With `probing`, about
 * half the requests carry a probe in a path or namespace parameter whose kind has `[hidden, absent]` pairs.
 */
export function v4Requests(operations: readonly Operation[], pools: V4Pools, credentials: readonly string[], probing: boolean): fc.Arbitrary<V4Request> {
  const avoid = new Set(pools.avoid);
  const words = fc.constantFrom(...DOMAIN_WORDS, ...pools.words);
  const allIds = Object.values(pools.ids).flat();
  const generic = fc
    .oneof(
      fc.constantFrom(...HOSTILE),
      fc.constantFrom(...ODD_IDS, ...pools.nearMisses),
      fc.constantFrom(...allIds),
      fc.stringMatching(/^[a-z0-9._-]{1,40}$/),
      fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || 'x'),
    )
    .filter((s) => !avoid.has(s));
  const segmentFor = (kind: SlotKind): fc.Arbitrary<string> => {
    const real = (pools.ids[kind] ?? []).filter((s) => !avoid.has(s));
    return real.length ? fc.oneof({ arbitrary: fc.constantFrom(...real), weight: 4 }, { arbitrary: generic, weight: 1 }) : generic;
  };

  const perOperation = operations.map((op) => {
    const slots = [...op.path.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => {
      const before = op.path.slice(0, m.index).split('/').filter(Boolean);
      return { name: m[1] as string, kind: slotKind(m[1] as string, before.at(-1) ?? '') };
    });
    // where a probe can go: a path parameter (by its index) or a namespace parameter (by its name)
    const places: (readonly [number | string, SlotKind])[] = [
      ...slots.map((s, i) => [i, s.kind] as const),
      ...op.params.filter(([name]) => NAMESPACE_PARAMETERS.has(name)).map(([name]) => [name, 'group'] as const),
    ];
    const probeable = places.filter(([, kind]) => (pools.probes[kind]?.length ?? 0) > 0);
    const probe: fc.Arbitrary<{ slot: number | string; kind: SlotKind; hidden: string; absent: string } | undefined> =
      probing && probeable.length
        ? fc.option(
            fc.constantFrom(...probeable).chain(([slot, kind]) =>
              fc.constantFrom(...(pools.probes[kind] ?? [])).map(([hidden, absent]) => ({ slot, kind, hidden, absent })),
            ),
            { nil: undefined, freq: 2 },
          )
        : fc.constant(undefined);
    const segments = slots.length ? fc.tuple(...slots.map((s) => segmentFor(s.kind))) : fc.constant([] as string[]);
    return fc
      .record({
        method: fc.oneof({ arbitrary: fc.constant(op.method), weight: 7 }, { arbitrary: fc.constantFrom(...METHODS), weight: 1 }),
        segments,
        probe,
        fields: fc.oneof(fieldsOf(op.params, words, 0, 'fit'), fieldsOf(op.params, words, 0, 'mixed')),
        // GitLab merges the query into the parameters: some writes put theirs there
        inQuery: fc.boolean(),
        style: fc.nat(5),
        oddBody: fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: ODD_BODIES, weight: 1 }),
        contentType: fc.oneof({ arbitrary: fc.constantFrom('application/json', 'application/x-www-form-urlencoded'), weight: 4 }, { arbitrary: CONTENT_TYPES, weight: 1 }),
        credential: fc.constantFrom(...credentials),
      })
      .map(({ method, segments, probe, fields: generated, inQuery, style, oddBody, contentType, credential }): V4Request => {
        const fields: [string, unknown][] =
          typeof probe?.slot === 'string' ? [...generated.filter(([name]) => name !== probe.slot), [probe.slot, PROBE]] : generated;
        let slot = 0;
        const path = `/api/v4${op.path.replace(/\{[A-Za-z_]+\}/g, () => {
          const i = slot++;
          return probe?.slot === i ? PROBE : (segments[i] ?? 'x');
        })}`;
        const hasBody = method !== 'GET';
        const asQuery = !hasBody || inQuery;
        const json = contentType?.toLowerCase().startsWith('application/json') ?? false;
        const body = !hasBody || asQuery ? undefined : (oddBody ?? (json ? jsonObjectText(fields) : queryOf(fields, style)));
        return {
          method,
          path,
          query: asQuery ? queryOf(fields, style) : '',
          body,
          contentType: body === undefined ? undefined : contentType,
          credential,
          ...(probe ? { probe: { kind: probe.kind, hidden: probe.hidden, absent: probe.absent } } : {}),
        };
      });
  });
  return fc.oneof(...perOperation);
}
