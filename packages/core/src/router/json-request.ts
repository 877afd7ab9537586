/**
 * Guards for JSON APIs (management, admin) that browsers can reach: a JSON body is read only when
 * it is declared `application/json` and small, and requests a browser sent on behalf of another
 * site are refused.
 *
 * Why both: an HTML form on any site can POST `text/plain` bodies that happen to be JSON, with the
 * victim's cached Basic credentials or cookies. Browsers cannot send `application/json` cross-site
 * without a CORS preflight, which this API never answers, and modern ones label every request with
 * `Sec-Fetch-Site`; old ones still send `Origin` on cross-site POSTs.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import { readLimited } from '../streams.js';

/** The default limit of a JSON request body: 64 KiB (no management or admin body needs more). */
export const JSON_BODY_MAX_BYTES = 64 * 1024;

export interface JsonBodyOptions {
  /** Largest body accepted, in bytes (default {@link JSON_BODY_MAX_BYTES}). */
  readonly maxBytes?: number;
  /** An empty body (no bytes at all) is allowed and read as `undefined` (default false). */
  readonly optional?: boolean;
}

/** Whether `contentType` names JSON: `application/json`, with parameters such as `charset`. */
export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/**
 * Read and parse a JSON request body, enforcing its size while it streams.
 * @throws RegistryError BODY_TOO_LARGE (413) when longer than `maxBytes` (by `Content-Length` before
 *   reading, or while streaming; the rest of the body is cancelled, not buffered),
 *   UNSUPPORTED_MEDIA_TYPE (415) for a body not declared `application/json`,
 *   PARAMETER_INVALID (400) for bytes that are not JSON, or an empty body unless `optional`.
 */
export async function readJsonBody(request: Request, options: JsonBodyOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? JSON_BODY_MAX_BYTES;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (declared === 0 && options.optional) return undefined;
  const isJson = isJsonContentType(request.headers.get('content-type'));
  if (!isJson && declared > 0) {
    // refused before a byte of it is read
    await request.body?.cancel().catch(() => {});
    throw notJson();
  }
  const raw = await readLimited(request.body, maxBytes);
  if (raw === null) throw tooLarge(maxBytes);
  if (raw.byteLength === 0) {
    if (options.optional) return undefined;
    throw new RegistryError('PARAMETER_INVALID', 'the request needs a JSON body');
  }
  if (!isJson) throw notJson();
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new RegistryError('PARAMETER_INVALID', 'the request body is not valid JSON');
  }
}

function notJson(): RegistryError {
  return new RegistryError('UNSUPPORTED_MEDIA_TYPE', 'a request body must be sent with Content-Type: application/json');
}

function tooLarge(maxBytes: number): RegistryError {
  return new RegistryError('BODY_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`);
}

export interface CrossSiteOptions {
  /** Origins (`https://registry.example.com`) besides the request's own that may call. */
  readonly trustedOrigins?: readonly string[];
}

/**
 * Why a request looks like a browser sending it for another site, or `null` when it does not.
 * Requests without browser headers (docker, curl, scripts) pass; so do same-origin requests and
 * ones the user typed or bookmarked (`Sec-Fetch-Site: none`). The request's own origin is taken
 * from its `Host` header (and `X-Forwarded-Host` behind a proxy), scheme ignored, so a TLS proxy
 * in front does not break the page.
 */
export function crossSiteProblem(request: Request, options: CrossSiteOptions = {}): string | null {
  const origin = request.headers.get('origin');
  if (origin !== null && options.trustedOrigins?.includes(origin)) return null;
  const site = request.headers.get('sec-fetch-site')?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  if (origin === null) return null;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return `cross-site request refused (Origin: ${origin.slice(0, 100)})`;
  }
  const hosts = [request.headers.get('x-forwarded-host'), request.headers.get('host')];
  try {
    hosts.push(new URL(request.url).host);
  } catch {
    // a relative URL in a test: the headers decide
  }
  const own = hosts.filter((h): h is string => !!h).map((h) => h.split(',', 1)[0]?.trim().toLowerCase());
  if (own.includes(originHost)) return null;
  return `cross-site request refused (Origin: ${origin.slice(0, 100)})`;
}

/** Methods that change state: the ones cross-site requests are refused for. */
export function isUnsafeMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
