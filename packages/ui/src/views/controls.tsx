/** @jsxImportSource hono/jsx */
/**
 * Pieces both listings share: the filter form (search, sort, order), the results region and
 * the page links. Plain GET forms and links, so everything works without JavaScript; the
 * script makes the form live (`data-live`): after a pause in typing it fetches the same URL
 * and swaps in the new page's `[data-results]`, or, on a page without one, submits the form.
 * @module
 */
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';

export interface FilterFormProps {
  /** The form's target (the listing's own path). */
  readonly action: string;
  /** Query parameter of the text filter (`search` for repositories, `name` for tags). */
  readonly field: string;
  readonly label: string;
  readonly value: string;
  readonly sort: string;
  readonly sorts: ReadonlyArray<readonly [value: string, label: string]>;
  readonly order: 'asc' | 'desc';
  /** Kept across a new search when the visitor chose one. */
  readonly perPage: number | null;
}

export function FilterForm(props: FilterFormProps): JSX.Element {
  return (
    <search>
      <form class="filters" method="get" action={props.action} data-live>
        <label>
          {props.label}
          <input type="search" name={props.field} value={props.value} maxlength={255} autocomplete="off" />
        </label>
        <label>
          Sort by
          <select name="sort">
            {props.sorts.map(([value, label]) => (
              <option value={value} selected={props.sort === value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select name="order">
            <option value="asc" selected={props.order === 'asc'}>
              Ascending
            </option>
            <option value="desc" selected={props.order === 'desc'}>
              Descending
            </option>
          </select>
        </label>
        {props.perPage !== null && <input type="hidden" name="per_page" value={String(props.perPage)} />}
        <button type="submit">Apply</button>
      </form>
    </search>
  );
}

/** What a listing shows below its filter form: the part live search replaces. */
export function Results(props: { children?: Child }): JSX.Element {
  return <div data-results>{props.children}</div>;
}

/** "First page" on a later page, "Next page" when there is one; nothing on a single page. */
export function PageLinks(props: { firstHref: string | null; nextHref: string | null }): JSX.Element | null {
  if (!props.firstHref && !props.nextHref) return null;
  return (
    <nav class="pages" aria-label="Pagination">
      {props.firstHref && <a href={props.firstHref}>First page</a>}
      {props.nextHref && (
        <a href={props.nextHref} rel="next">
          Next page
        </a>
      )}
    </nav>
  );
}
