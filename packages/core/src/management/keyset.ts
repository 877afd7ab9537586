/**
 * Keyset pagination: a page starts after the last item of the previous one, named by an opaque
 * cursor holding that item's sort key and name. Unlike offsets, a page stays right while items
 * are added or removed before it.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import type { Visible } from './visibility.js';

export type SortOrder = 'asc' | 'desc';

/** The cursor's content: the sort key and the name (the tie-breaker) of the last item. */
interface Cursor {
  readonly k: string;
  readonly n: string;
}

export function encodeCursor(key: string, name: string): string {
  return Buffer.from(JSON.stringify({ k: key, n: name } satisfies Cursor)).toString('base64url');
}

/** @throws RegistryError PAGINATION_NUMBER_INVALID for a cursor this code did not make. */
export function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && typeof (value as Cursor).k === 'string' && typeof (value as Cursor).n === 'string') {
      return value as Cursor;
    }
  } catch {
    // fall through
  }
  throw new RegistryError('PAGINATION_NUMBER_INVALID', 'invalid pagination cursor: pass the `next` value of the previous page unchanged');
}

/**
 * One page of `items` sorted by (`key`, name) in `order`, after `cursor`. Only lists already
 * filtered for the caller are accepted (see visibility.ts): the cursor names an item of the page.
 * @returns the page and the cursor of the next page (`null` on the last page).
 */
export function keysetPage<T>(
  items: Visible<T>,
  key: (item: T) => string,
  name: (item: T) => string,
  order: SortOrder,
  limit: number,
  cursor?: string,
): { items: T[]; next: string | null } {
  const sign = order === 'asc' ? 1 : -1;
  const compare = (ka: string, na: string, kb: string, nb: string) => sign * (ka < kb ? -1 : ka > kb ? 1 : na < nb ? -1 : na > nb ? 1 : 0);
  const sorted = [...items].sort((a, b) => compare(key(a), name(a), key(b), name(b)));
  let start = 0;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor);
    start = sorted.findIndex((item) => compare(key(item), name(item), after.k, after.n) > 0);
    if (start < 0) start = sorted.length;
  }
  const pageItems = sorted.slice(start, start + limit);
  const last = pageItems[pageItems.length - 1];
  const next = start + limit < sorted.length && last !== undefined ? encodeCursor(key(last), name(last)) : null;
  return { items: pageItems, next };
}
