/**
 * A request's parameters, as GitLab's API takes them: from the query string and, for requests
 * with a body, from a JSON object or a form (`application/x-www-form-urlencoded`), merged into
 * one object (the body wins). GitLab's documentation uses all three (`curl --data 'keep_n=5'` on
 * a DELETE, `--data-binary '{…}'` with JSON, `?per_page=50`), and clients differ: gitbeaker and
 * python-gitlab send JSON, shell scripts send forms.
 *
 * Form and query values are strings, so the schemas accept numbers and booleans as strings too
 * ({@link intParam}, {@link boolParam}). Repeated keys (`scopes[]=api&scopes[]=read_registry`,
 * Rails' array notation) become arrays. The body's size is limited before this runs (the API's
 * body limit); here it is parsed and validated.
 * @module
 */
import { z } from 'zod';
import { ApiError, badParameter } from './api-error.js';

type Params = Record<string, unknown>;

/** Rails' `name[]` array notation: the key without its brackets. */
function keyOf(name: string): { key: string; array: boolean } {
  return name.endsWith('[]') ? { key: name.slice(0, -2), array: true } : { key: name, array: false };
}

/** Search parameters as an object; repeated or `[]` keys collect into arrays. */
export function paramsOf(search: URLSearchParams): Params {
  const out: Params = Object.create(null);
  for (const [name, value] of search) {
    const { key, array } = keyOf(name);
    const existing = out[key];
    if (Array.isArray(existing)) existing.push(value);
    else if (existing !== undefined) out[key] = [existing, value];
    else out[key] = array ? [value] : value;
  }
  return out;
}

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * The body's parameters: a JSON object, or a form. An empty body is no parameters.
 * @throws ApiError 400 for JSON that is not an object or does not parse, 415 for other media types
 */
export async function bodyParams(request: Request, maxBytes: number = BODY_MAX_BYTES): Promise<Params> {
  if (!request.body) return {};
  const text = await readLimited(request, maxBytes);
  if (text.length === 0) return {};
  const type = mediaType(request);
  if (type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(400, '400 Bad request - the body is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new ApiError(400, '400 Bad request - the JSON body must be an object');
    return json as Params;
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') return paramsOf(new URLSearchParams(text));
  throw new ApiError(415, '415 Unsupported Media Type - send parameters as application/json or application/x-www-form-urlencoded');
}

/** Largest request body the API reads: no request of GitLab's API needs more. */
export const BODY_MAX_BYTES = 64 * 1024;

const tooLarge = (maxBytes: number) => new ApiError(413, `413 Request Entity Too Large - the body is larger than ${maxBytes} bytes`);

/**
 * The body as text, read while it streams and refused (413) as soon as it passes `maxBytes`,
 * whatever the request says about its length (a chunked body has none). Read here rather than
 * by Hono's body limit, which re-wraps the request and fails under @hono/node-server.
 */
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first problem zod found, as Grape words it: `<param> is invalid` / `<param> is missing`. */
export function describeIssue(error: z.ZodError, params?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'parameters are invalid';
  const name = issue.path.map(String).join('.').slice(0, 200) || 'body';
  // Judged on the input rather than the message: a union (intParam) reports a missing value as
  // "Invalid input", not as an undefined received.
  const missing = issue.path.length > 0 && params !== undefined ? valueAt(params, issue.path) === undefined : issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return missing ? `${name} is missing` : `${name} is invalid: ${issue.message.slice(0, 300)}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Validate parameters against a schema. @throws ApiError 400 `{ "error": "<param> is …" }` */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params);
  if (!result.success) throw badParameter(describeIssue(result.error, params));
  return result.data;
}

/** An integer, given as a JSON number or a decimal string (forms and query strings). */
export const intParam = z.union([z.number().int(), z.string().regex(/^-?\d{1,15}$/).transform(Number)]);

/** A boolean, given as JSON or as GitLab's strings (`true`/`false`, `1`/`0`). */
export const boolParam = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);

/** A list of strings, given as a JSON array, `key[]=a&key[]=b`, or one comma-separated string. */
export const stringListParam = z.union([
  z.array(z.string()),
  z.string().transform((v) => (v === '' ? [] : v.split(',').map((s) => s.trim()))),
]);

/** A list of numeric ids: `ids[]=1&ids[]=2`, a JSON array, or `1,2`. */
export const idListParam = z.union([
  z.array(intParam),
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.string().regex(/^\d{1,15}$/).transform(Number))),
]);
