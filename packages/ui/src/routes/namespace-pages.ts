/**
 * Group and project pages, under `/namespaces/<path>` where `<path>` is a full path (`team`,
 * `team/sub/app`):
 *
 * | method | path | page |
 * |---|---|---|
 * | GET | `/namespaces/<path>?search&sort=name\|updated&order&per_page&cursor` | its repositories, those of subgroups and projects included |
 * | GET | `/namespaces/<path>/-/usage` | deduplicated storage, in total and per repository |
 * | GET | `/namespaces/<path>/-/settings` | cleanup policy and registry switch (who may change them) |
 * | POST | `/namespaces/<path>/-/settings/cleanup` | save or preview the cleanup policy |
 * | POST | `/namespaces/<path>/-/settings/registry` | turn a project's registry off or on |
 *
 * A path segment is never `-` (the name grammar forbids it), so `/-/` parts the path from the
 * page; one route per method splits them (Hono's patterns cannot put a static tail after a
 * greedy parameter). A hidden, missing and invalid path all answer the 404 page.
 *
 * The namespace page lists one page of repositories and no usage: a group of 10 000
 * repositories renders in the time of a page of 20.
 * @module
 */
import type { Context, Hono } from 'hono';
import { listingHref, readListingQuery } from '../query.js';
import { NamespacePage } from '../views/namespace-page.js';
import { namespaceHref } from '../views/path-crumbs.js';
import { UsagePage } from '../views/usage-page.js';
import { postCleanup } from './cleanup-form.js';
import type { UiRoutes } from './context.js';
import { listRepositoryPage } from './repository-list.js';
import { rowDeletes } from './row-deletes.js';
import { hasVisibleRepository, kindLabel, resolveNamespace } from './namespace-access.js';
import { showSettings, toggleRegistry } from './namespace-settings.js';

type PageHandler = (c: Context, ui: UiRoutes, path: string) => Promise<Response>;

const GET_PAGES: Record<string, PageHandler> = { '': namespacePage, usage: usagePage, settings: showSettings };
const POST_PAGES: Record<string, PageHandler> = { 'settings/cleanup': postCleanup, 'settings/registry': toggleRegistry };

/** `team/sub/-/usage` → `['team/sub', 'usage']`; `team/sub` → `['team/sub', '']`. */
function splitPath(rest: string): [path: string, page: string] {
  const at = rest.indexOf('/-/');
  return at < 0 ? [rest, ''] : [rest.slice(0, at), rest.slice(at + 3)];
}

export function addNamespacePages(app: Hono, ui: UiRoutes): void {
  const dispatch = (pages: Record<string, PageHandler>) => async (c: Context) => {
    const [path, page] = splitPath(c.req.param('rest') ?? '');
    const handler = Object.hasOwn(pages, page) ? pages[page] : undefined;
    return handler ? handler(c, ui, path) : ui.notFound(c, await ui.userOf(c));
  };
  app.get('/namespaces/:rest{.+}', dispatch(GET_PAGES));
  app.post('/namespaces/:rest{.+}', dispatch(POST_PAGES));
}

async function namespacePage(c: Context, ui: UiRoutes, path: string): Promise<Response> {
  const user = await ui.userOf(c);
  const ns = await resolveNamespace(ui, user, path);
  if (!ns) return ui.notFound(c, user);
  const frame = ui.frameOf(c, user);
  const q = readListingQuery(c.req.query(), 'search', ['name', 'updated'] as const);
  const page = ns.registryEnabled ? await listRepositoryPage(ui, user, q, path) : { items: [], next: null };
  // A plain namespace is there for the user when a repository they may read is: an empty
  // first page says there is none; a search or a later page must ask.
  if (ns.kind === null && page.items.length === 0 && (q.text || q.cursor ? !(await hasVisibleRepository(ui, user, path)) : true)) {
    return ui.notFound(c, user);
  }
  const here = namespaceHref(frame.base, path);
  return c.html(
    NamespacePage({
      frame,
      host: ui.hostOf(c),
      path,
      name: ns.name,
      kind: kindLabel(ns.kind),
      registryEnabled: ns.registryEnabled,
      mayChangeSettings: ns.mayChangeSettings,
      rows: page.items,
      search: q.text,
      sort: q.sort,
      order: q.order,
      perPage: q.perPage,
      firstHref: q.cursor ? listingHref(here, 'search', q, undefined) : null,
      nextHref: page.next ? listingHref(here, 'search', q, page.next) : null,
      deletes: await rowDeletes(
        user,
        frame,
        page.items.map((r) => r.name),
      ),
    }),
  );
}

async function usagePage(c: Context, ui: UiRoutes, path: string): Promise<Response> {
  const user = await ui.userOf(c);
  const ns = await resolveNamespace(ui, user, path);
  if (!ns) return ui.notFound(c, user);
  const usage = ns.registryEnabled ? await ui.management.usage(path, { visible: user.visible }) : null;
  if (ns.kind === null && usage?.repositories.length === 0) return ui.notFound(c, user);
  return c.html(UsagePage({ frame: ui.frameOf(c, user), path, name: ns.name, kind: kindLabel(ns.kind), usage }));
}
