/**
 * The listings' query parameters, read leniently (a page link someone edited by hand shows
 * the default rather than an error), and the links to the first and next page.
 * @module
 */

/** Longest text filter kept (the management API's own limit). */
const MAX_FILTER = 255;
/** Longest cursor passed on; the API's cursors are far shorter. */
const MAX_CURSOR = 2000;
const MAX_PER_PAGE = 100;

export interface ListingQuery<S extends string> {
  /** The text filter, trimmed; `''` for none. */
  readonly text: string;
  readonly sort: S;
  readonly order: 'asc' | 'desc';
  /** Rows per page when the query set it, else `null`. */
  readonly perPage: number | null;
  readonly cursor: string | undefined;
}

/**
 * Read a listing's query.
 * @param field the text filter's parameter (`search`, `name`)
 * @param sorts the accepted sorts, the default first; sorting by time defaults to newest first
 */
export function readListingQuery<S extends string>(
  query: Record<string, string>,
  field: string,
  sorts: readonly [S, ...S[]],
): ListingQuery<S> {
  const sort = sorts.find((s) => s === query.sort) ?? sorts[0];
  const order = query.order === 'asc' || query.order === 'desc' ? query.order : sort === 'name' ? 'asc' : 'desc';
  const n = Number(query.per_page);
  const perPage = Number.isInteger(n) && n >= 1 && n <= MAX_PER_PAGE ? n : null;
  const cursor = query.cursor && query.cursor.length <= MAX_CURSOR ? query.cursor : undefined;
  return { text: (query[field] ?? '').trim().slice(0, MAX_FILTER), sort, order, perPage, cursor };
}

/** The link to the same listing at `cursor` (`undefined`: its first page). */
export function listingHref(path: string, field: string, q: ListingQuery<string>, cursor: string | undefined): string {
  const params = new URLSearchParams();
  if (q.text) params.set(field, q.text);
  params.set('sort', q.sort);
  params.set('order', q.order);
  if (q.perPage !== null) params.set('per_page', String(q.perPage));
  if (cursor) params.set('cursor', cursor);
  return `${path}?${params}`;
}
