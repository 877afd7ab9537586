/**
 * The HTTP edge of errors: any thrown value becomes one response, here and nowhere else. The
 * status comes from the code table (codes.ts), the headers from the error's facts
 * (http-headers.ts), the body is the OCI `{"errors": [...]}`, bounded whatever the thrower put
 * in. Every Hono app of core answers its errors through {@link toResponse}.
 * @module
 */
import { unavailableError } from './unavailable.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';
import { errorHeaders } from './http-headers.js';
import { isRegistryError, RegistryError } from './registry-error.js';

/** The JSON body every error response has. */
export interface ErrorBody {
  errors: Array<{ code: string; message: string; detail?: unknown }>;
}

/**
 * Bounds of an error body. Errors are built from what clients sent (digests, keys, names), so
 * whatever a thrower put in, the body stays small: at most `errors` entries (the rest are
 * counted in a last entry), messages cut at `message` characters, and in `detail` strings cut
 * at `string` characters, arrays and objects at `items` entries, nesting at `depth`; once
 * about `bytes` of text are in, further entries are counted instead of listed.
 */
export const ERROR_BODY_LIMITS = {
  errors: 128,
  message: 2048,
  string: 1024,
  items: 100,
  depth: 8,
  bytes: 48 * 1024,
} as const;

/** Options of {@link toResponse}. */
export interface ToResponseOptions {
  /**
   * Add OAuth 2's `error` and `error_description` (RFC 6749 §5.2) to the body of an
   * UNAUTHORIZED (`invalid_grant`) or TOKEN_REQUEST_INVALID (`invalid_request`), for the token
   * endpoint's OAuth clients; the `errors` list keeps what docker prints.
   */
  readonly oauth?: boolean;
}

/** OAuth's `error` for the codes the token endpoint answers with. */
const OAUTH_ERRORS: Partial<Record<ErrorCode, string>> = { UNAUTHORIZED: 'invalid_grant', TOKEN_REQUEST_INVALID: 'invalid_request' };

/**
 * Turn any thrown value into an error response. A {@link RegistryError} keeps its code and
 * message, and its facts become headers (`Retry-After`, `Range`, `Allow`, `WWW-Authenticate`);
 * anything else becomes a 500 `UNKNOWN` whose message reveals nothing about the cause (it is
 * reported through `onError` instead). The body is bounded ({@link ERROR_BODY_LIMITS}).
 * @param method HEAD responses get the headers and no body (default GET).
 * @example
 * app.onError((error, c) => toResponse(error, c.req.method));
 */
export function toResponse(error: unknown, method = 'GET', options: ToResponseOptions = {}): Response {
  const e = isRegistryError(error) ? error : (unavailableError(error) ?? new RegistryError('UNKNOWN', 'internal server error'));
  const oauth = options.oauth ? OAUTH_ERRORS[e.code] : undefined;
  const body = oauth ? { errors: [{ code: e.code, message: e.message }], error: oauth, error_description: e.message } : errorBody(e);
  const text = JSON.stringify(body);
  const headers = new Headers(errorHeaders(e));
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(text)));
  return new Response(method === 'HEAD' ? null : text, { status: ERROR_CODES[e.code].status, headers });
}

/**
 * The same as {@link toResponse}.
 * @deprecated use `toResponse`.
 */
export const errorResponse: (error: unknown, method?: string) => Response = (error, method) => toResponse(error, method);

/** The bounded JSON body of an error and its `additional` errors. */
function errorBody(e: RegistryError): ErrorBody {
  const all = [e, ...(e.additional ?? [])];
  const budget = { left: ERROR_BODY_LIMITS.bytes };
  const errors: ErrorBody['errors'] = [];
  // One place is kept for the entry that counts what is not listed.
  const room = all.length > ERROR_BODY_LIMITS.errors ? ERROR_BODY_LIMITS.errors - 1 : all.length;
  for (const [i, x] of all.entries()) {
    if (i > 0 && (i >= room || budget.left <= 0)) {
      const unlisted = all.length - i;
      errors.push({ code: e.code, message: `and ${unlisted} more errors not listed`, detail: { unlisted } });
      break;
    }
    const message = cut(String(x.message), ERROR_BODY_LIMITS.message);
    budget.left -= textCost(message);
    const detail = x.detail === undefined ? undefined : capValue(x.detail, ERROR_BODY_LIMITS.depth, budget);
    errors.push({ code: x.code, message, ...(detail === undefined ? {} : { detail }) });
  }
  return { errors };
}

/**
 * A copy of a JSON-able value within the bounds of {@link ERROR_BODY_LIMITS}, spending `budget`
 * (about the bytes of text it keeps). Costs what it keeps, plus a count of an object's keys.
 */
function capValue(value: unknown, depth: number, budget: { left: number }): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (typeof value === 'string') {
    const s = cut(value, Math.min(ERROR_BODY_LIMITS.string, Math.max(budget.left, 16)));
    budget.left -= textCost(s);
    return s;
  }
  if (value === null || typeof value !== 'object') {
    budget.left -= 8;
    return typeof value === 'bigint' ? String(value) : value;
  }
  if (depth <= 0) return '…';
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (i >= ERROR_BODY_LIMITS.items || budget.left <= 0) {
        out.push(`… and ${value.length - i} more`);
        break;
      }
      out.push(capValue(value[i], depth - 1, budget));
    }
    return out;
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let kept = 0;
  let total = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    total++;
    if (kept >= ERROR_BODY_LIMITS.items || budget.left <= 0) continue;
    const k = cut(key, 200);
    budget.left -= textCost(k);
    out[k] = capValue((value as Record<string, unknown>)[key], depth - 1, budget);
    kept++;
  }
  if (total > kept) out['…'] = `and ${total - kept} more keys`;
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** About the bytes a string takes in the JSON body: UTF-8, quotes and escapes. */
function textCost(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}
