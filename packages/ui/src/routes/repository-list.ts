/**
 * `/` — the repositories the user may pull, filtered before they are sorted or paged.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { UiUser } from '../options.js';
import { type ListingQuery, listingHref, readListingQuery } from '../query.js';
import { homeOf } from '../views/layout.js';
import { takeFlash } from '../views/flash.js';
import { RepositoryList } from '../views/repository-list.js';
import type { UiRoutes } from './context.js';
import { rowDeletes } from './row-deletes.js';

/** The page of repositories `q` asks for, among those `user` may see (under `prefix` when given). */
export function listRepositoryPage(ui: UiRoutes, user: UiUser, q: ListingQuery<'name' | 'updated'>, prefix?: string) {
  return ui.management.listRepositories({
    ...(prefix ? { prefix } : {}),
    ...(q.text ? { search: q.text } : {}),
    sort: q.sort,
    order: q.order,
    limit: q.perPage ?? ui.pageSize,
    ...(q.cursor ? { cursor: q.cursor } : {}),
    withSize: true,
    visible: user.visible,
  });
}

/** Adds `/` and returns its handler (the catch-all serves it at the mount point with a slash). */
export function addRepositoryList(app: Hono, ui: UiRoutes): (c: Context) => Promise<Response> {
  const list = async (c: Context) => {
    const user = await ui.userOf(c);
    const frame = ui.frameOf(c, user);
    const q = readListingQuery(c.req.query(), 'search', ['name', 'updated'] as const);
    const page = await listRepositoryPage(ui, user, q);
    const path = homeOf(frame.base);
    return c.html(
      RepositoryList({
        frame,
        flash: takeFlash(c, frame.base, 'list'),
        deletes: await rowDeletes(
          user,
          frame,
          page.items.map((r) => r.name),
        ),
        host: ui.hostOf(c),
        rows: page.items,
        search: q.text,
        sort: q.sort,
        order: q.order,
        perPage: q.perPage,
        firstHref: q.cursor ? listingHref(path, 'search', q, undefined) : null,
        nextHref: page.next ? listingHref(path, 'search', q, page.next) : null,
      }),
    );
  };
  app.get('/', list);
  return list;
}
