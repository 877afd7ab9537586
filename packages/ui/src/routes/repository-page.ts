/**
 * `/repositories/<name>` — one repository's tags. A repository the user may not read answers
 * exactly like one that does not exist. Delete controls appear only for a user who may delete
 * it (the actions check again: `tag-actions.ts`).
 * @module
 */
import type { Hono } from 'hono';
import { explainInvalidName, RegistryError, type TagDetails } from '@wharf/core';
import { listingHref, readListingQuery } from '../query.js';
import { takeFlash } from '../views/flash.js';
import { RepositoryPage, type TagRow } from '../views/repository-page.js';
import type { UiRoutes } from './context.js';
import { mayDelete } from './tag-actions.js';

/** `linux/arm64/v8`, as `docker --platform` spells it. */
const platformName = (p: TagDetails['platforms'][number]) => [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');

export function addRepositoryPage(app: Hono, ui: UiRoutes): void {
  const { management } = ui;
  app.get('/repositories/:name{.+}', async (c) => {
    const user = await ui.userOf(c);
    const frame = ui.frameOf(c, user);
    const name = c.req.param('name');
    // Invalid, hidden and missing repositories all look the same.
    if (explainInvalidName(name) !== null || !(await user.visible([name])).includes(name)) return ui.notFound(c, user);
    const q = readListingQuery(c.req.query(), 'name', ['name', 'created', 'updated'] as const);
    const page = await management.listTags(name, {
      ...(q.text ? { name: q.text } : {}),
      sort: q.sort,
      order: q.order,
      limit: q.perPage ?? ui.pageSize,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      // The size from the same read of the tags: one pass over a large repository, not two.
      withSize: true,
    });
    const rows = await Promise.all(
      page.items.map(async (t): Promise<TagRow> => {
        // A tag deleted since the listing keeps its row, without a size.
        const details = await management.tagDetails(name, t.name).catch((error: unknown) => {
          if (error instanceof RegistryError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')) return null;
          throw error;
        });
        return {
          name: t.name,
          digest: t.digest,
          size: details?.totalSize ?? null,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
          platforms: details?.platforms.map(platformName) ?? [],
        };
      }),
    );
    const path = `${frame.base}/repositories/${name}`;
    const canDelete = await mayDelete(ui, user, name);
    const back = new URL(c.req.url).search.slice(1);
    return c.html(
      RepositoryPage({
        frame,
        host: ui.hostOf(c),
        name,
        size: page.size ?? 0,
        rows,
        filter: q.text,
        sort: q.sort,
        order: q.order,
        perPage: q.perPage,
        firstHref: q.cursor ? listingHref(path, 'name', q, undefined) : null,
        nextHref: page.next ? listingHref(path, 'name', q, page.next) : null,
        flash: takeFlash(c, frame.base, { repository: name }),
        deletes: canDelete ? { tagCount: (await management.index.summaries([name]))[0]?.tagCount ?? rows.length, back } : null,
      }),
    );
  });
}
