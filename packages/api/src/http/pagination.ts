/**
 * GitLab's pagination. Offset pagination (`page`, `per_page`, default 20, at most 100) answers
 * with `X-Page`, `X-Per-Page`, `X-Total`, `X-Total-Pages`, `X-Next-Page`, `X-Prev-Page` (empty
 * when there is none) and a `Link` header with `first`, `prev`, `next` and `last`. Keyset
 * pagination (`pagination=keyset`, where GitLab offers it) answers with only `Link: <…>;
 * rel="next"` carrying an opaque cursor, and no totals — it stays cheap however deep a client
 * pages.
 *
 * Links repeat the request's own URL with the page changed, so every other parameter survives.
 * @module
 */
import { z } from 'zod';
import { intParam } from './input.js';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

/** The parameters of offset pagination, for route input schemas. */
export const offsetParams = {
  page: intParam.pipe(z.number().int().min(1)).optional().describe('Page number (default 1)'),
  per_page: intParam.pipe(z.number().int().min(1)).optional().describe(`Items per page (default ${DEFAULT_PER_PAGE}, at most ${MAX_PER_PAGE})`),
};

/** Offset and keyset pagination parameters (keyset: `pagination=keyset`, then follow `Link`). */
export const keysetParams = {
  ...offsetParams,
  pagination: z.enum(['keyset', 'offset']).optional().describe('`keyset` for cursor pagination (follow the `Link` header)'),
  cursor: z.string().max(1024).optional().describe('Opaque cursor from a keyset `Link` header'),
};

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

/** The page asked for; `per_page` above the maximum is clamped as GitLab does. */
export function pageOf(params: { page?: number | undefined; per_page?: number | undefined }): PageRequest {
  return { page: params.page ?? 1, perPage: Math.min(params.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE) };
}

function linkTo(url: URL, changes: Record<string, string | null>): string {
  const next = new URL(url);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.searchParams.delete(key);
    else next.searchParams.set(key, value);
  }
  return next.toString();
}

/**
 * One page of `items` (all of them, already filtered and sorted) and its headers.
 * @param url the request's URL, for the `Link` header
 */
export function offsetPage<T>(items: readonly T[], request: PageRequest, url: URL): { items: T[]; headers: Record<string, string> } {
  const total = items.length;
  const start = (request.page - 1) * request.perPage;
  const page = items.slice(start, start + request.perPage);
  return { items: page, headers: offsetHeaders(request, total, url) };
}

/** The offset pagination headers for a page of a list of `total` items. */
export function offsetHeaders(request: PageRequest, total: number, url: URL): Record<string, string> {
  const totalPages = Math.max(1, Math.ceil(total / request.perPage));
  const { page, perPage } = request;
  const next = page < totalPages ? String(page + 1) : '';
  const prev = page > 1 && page <= totalPages + 1 ? String(Math.min(page - 1, totalPages)) : '';
  const at = (p: number) => linkTo(url, { page: String(p), per_page: String(perPage) });
  const links = [
    ...(prev ? [`<${at(Number(prev))}>; rel="prev"`] : []),
    ...(next ? [`<${at(Number(next))}>; rel="next"`] : []),
    `<${at(1)}>; rel="first"`,
    `<${at(totalPages)}>; rel="last"`,
  ];
  return {
    'X-Page': String(page),
    'X-Per-Page': String(perPage),
    'X-Total': String(total),
    'X-Total-Pages': String(totalPages),
    'X-Next-Page': next,
    'X-Prev-Page': prev,
    Link: links.join(', '),
  };
}

/** The keyset pagination headers: a `Link` to the next page when there is one. */
export function keysetHeaders(next: string | null, perPage: number, url: URL): Record<string, string> {
  if (next === null) return {};
  return { Link: `<${linkTo(url, { cursor: next, per_page: String(perPage), pagination: 'keyset', page: null })}>; rel="next"` };
}

/** An opaque keyset cursor for a sort key (base64url of JSON). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The value inside a cursor made by {@link encodeCursor}, or `undefined` when it is not one. */
export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
