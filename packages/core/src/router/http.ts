/**
 * HTTP parsing helpers: ranges, pagination, Accept, and response building. Everything that
 * can be malformed turns into a RegistryError here, never into an exception deeper down.
 * @module
 */
import { parseDigest, type Digest } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { ChunkRange } from '../blobs/uploads.js';
import { normalizeMediaType } from '../manifests/media-types.js';

/** Headers on every response. */
export const COMMON_HEADERS = { 'Docker-Distribution-API-Version': 'registry/2.0' } as const;

/** An empty response with headers. */
export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { ...headers, 'Content-Length': '0' } });
}

/** A JSON response. */
export function json(body: unknown, headers: Record<string, string> = {}, method = 'GET', status = 200): Response {
  const text = JSON.stringify(body);
  return new Response(method === 'HEAD' ? null : text, {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers },
  });
}

/**
 * Parse a chunk's `Content-Range` (`<start>-<end>`, inclusive). Tolerates the `bytes ` /
 * `bytes=` prefixes and a `/total` suffix some clients add.
 * @returns undefined when the header is absent.
 * @throws RegistryError RANGE_INVALID when malformed or inconsistent with Content-Length.
 */
export function parseContentRange(header: string | null, contentLength: string | null): ChunkRange | undefined {
  if (header === null || header.trim() === '') return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  const start = m ? Number(m[1]) : NaN;
  const end = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    throw new RegistryError('RANGE_INVALID', `invalid Content-Range ${JSON.stringify(header.slice(0, 100))}: expected <start>-<end>`);
  }
  if (contentLength !== null && contentLength !== '' && Number(contentLength) !== end - start + 1) {
    throw new RegistryError('RANGE_INVALID', `Content-Range ${header} covers ${end - start + 1} bytes but Content-Length is ${contentLength}`);
  }
  return { start, end };
}

/**
 * Parse a blob GET's `Range` (one range: `bytes=a-b`, `bytes=a-`, `bytes=-n`).
 * @returns the inclusive range, `undefined` for no/ignorable header, or `'unsatisfiable'`.
 */
export function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // several ranges or junk: serve it all (RFC 9110 allows)
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** `n` and `last` of a paginated list. @throws RegistryError PAGINATION_NUMBER_INVALID */
export function parsePagination(url: URL, maxPageSize: number): { n: number | undefined; last: string | undefined } {
  const rawN = url.searchParams.get('n');
  const last = url.searchParams.get('last') ?? undefined;
  if (rawN === null || rawN === '') return { n: last === undefined ? undefined : maxPageSize, last };
  if (!/^\d+$/.test(rawN)) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, got ${JSON.stringify(rawN.slice(0, 40))}`, { detail: { n: rawN.slice(0, 40) } });
  }
  return { n: Math.min(Number(rawN), maxPageSize), last };
}

/** RFC 5988 `Link` to the next page. */
export function nextLink(path: string, n: number, last: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ ...extra, n: String(n), last });
  return `<${path}?${q.toString()}>; rel="next"`;
}

/** Every media type named by every `Accept` header (Docker sends several headers). */
export function acceptedTypes(request: Request): Set<string> {
  const out = new Set<string>();
  // Headers.get joins repeated headers with ", ", so one split covers both forms.
  for (const part of (request.headers.get('accept') ?? '').split(',')) {
    const t = normalizeMediaType(part);
    if (t) out.add(t);
  }
  return out;
}

/** A digest from a URL. @throws RegistryError DIGEST_INVALID */
export function digestParam(value: string | undefined | null): Digest {
  if (value === undefined || value === null || value === '') {
    throw new RegistryError('DIGEST_INVALID', 'a digest is required');
  }
  return parseDigest(value);
}
