/**
 * What a caller may see in a listing. Every listing of repository names filters the candidates
 * through a {@link VisibilityFilter} *before* it sorts, pages, counts or builds a cursor or Link
 * header: a page built first and filtered after leaks the hidden names through its cursor (the
 * last item of the unfiltered page) and through whether a next page exists.
 *
 * The paging primitive (`keysetPage`) takes only {@link Visible} lists, which only
 * {@link filterVisible} and {@link trustedVisible} make, so a new listing that forgets the filter
 * does not type-check.
 * @module
 */

/**
 * Of `names`, the ones the caller may read (pull). Called with at most
 * {@link VISIBILITY_BATCH} names at a time; names it returns that were not asked for are ignored.
 */
export type VisibilityFilter = (names: readonly string[]) => Promise<readonly string[]>;

/** Names asked of a {@link VisibilityFilter} in one call: bounds the authorizer's work per call. */
export const VISIBILITY_BATCH = 256;

declare const visibleBrand: unique symbol;

/** Items already filtered for the caller. */
export type Visible<T> = readonly T[] & { readonly [visibleBrand]: true };

/** The filter of callers who see everything (the host's own code, the CLI). */
export const everythingVisible: VisibilityFilter = async (names) => names;

/**
 * Keep the items whose name the caller may read, in their order, asking `visible` in batches.
 * @param visible the caller's filter (default {@link everythingVisible}).
 */
export async function filterVisible<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  visible: VisibilityFilter = everythingVisible,
): Promise<Visible<T>> {
  if (visible === everythingVisible) return trustedVisible(items);
  const kept: T[] = [];
  for (let start = 0; start < items.length; start += VISIBILITY_BATCH) {
    const batch = items.slice(start, start + VISIBILITY_BATCH);
    const allowed = new Set(await visible(batch.map(nameOf)));
    for (const item of batch) if (allowed.has(nameOf(item))) kept.push(item);
  }
  return kept as readonly T[] as Visible<T>;
}

/**
 * Mark items as visible without asking: only for lists the caller was already authorized for
 * as a whole (the tags of one repository it may pull).
 */
export function trustedVisible<T>(items: readonly T[]): Visible<T> {
  return items as Visible<T>;
}
