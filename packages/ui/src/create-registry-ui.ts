/**
 * The registry page as a Hono app: server-rendered HTML over the management API, for a host
 * to mount where it likes. Reading needs no JavaScript; every listing is filtered for the
 * signed-in user before it is sorted, paged or linked (the management API does it with the
 * user's {@link UiUser.visible}), and a repository the user may not read answers exactly like
 * one that does not exist.
 *
 * | path | page |
 * |---|---|
 * | `/?search&sort=name\|updated&order&per_page&cursor` | the repositories the user may pull |
 * | `/repositories/<name>?name&sort=name\|created\|updated&order&per_page&cursor` | one repository's tags |
 * @module
 */
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { basePath } from 'hono/route';
import { explainInvalidName, RegistryError } from '@wharf/core';
import { registryHost } from './format.js';
import type { RegistryUiOptions } from './options.js';
import { listingHref, readListingQuery } from './query.js';
import { homeOf, ProblemPage } from './views/layout.js';
import { RepositoryList } from './views/repository-list.js';
import { RepositoryPage, type TagRow } from './views/repository-page.js';

/** Inline styles only, no scripts, forms only to this page, never framed. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Create the registry page.
 * @param options.management the registry's management API
 * @param options.currentUser who is signed in, and which repositories they may read
 * @param options.publicHost the registry host shown in image paths (default: the request's host)
 * @param options.pageSize rows per page (default 20, at most 100)
 * @throws RangeError for a `pageSize` outside 1–100
 * @example
 * ```ts
 * const registry = createRegistry({ storage });
 * const ui = createRegistryUi({
 *   management: registry.management,
 *   // `mySession` and `readableBy` are the host's own: who is signed in, which names they may pull
 *   currentUser: async (c) => {
 *     const user = await mySession(c);
 *     return { name: user?.name ?? null, visible: (names) => readableBy(user, names) };
 *   },
 *   publicHost: 'registry.example.com',
 * });
 * app.route('/registry', ui);
 * ```
 */
export function createRegistryUi(options: RegistryUiOptions): Hono {
  const { management } = options;
  const pageSize = options.pageSize ?? 20;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    throw new RangeError(`pageSize must be an integer from 1 to 100, got ${pageSize}`);
  const hostOf = (c: Context) => registryHost(options.publicHost, c.req.url);

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    // Pages are per user and change with every push.
    c.header('Cache-Control', 'no-store');
  });

  app.onError(async (error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const base = baseOf(c);
    if (error instanceof RegistryError) {
      if (error.code === 'NAME_UNKNOWN' || error.code === 'NAME_INVALID') return notFound(c, base, undefined);
      if (error.code === 'PAGINATION_NUMBER_INVALID') {
        return c.html(
          ProblemPage({
            base,
            user: undefined,
            title: 'Page link out of date',
            message: 'This page link no longer works. Start again from the first page.',
          }),
          400,
        );
      }
    }
    try {
      if (management.api.hooks.onError) await management.api.hooks.onError(error, { request: c.req.raw });
      else console.error('wharf: unexpected error in the registry page', error);
    } catch {
      // nothing left to report to
    }
    return c.html(
      ProblemPage({ base, user: undefined, title: 'Something went wrong', message: 'The page could not be shown. Try again in a moment.' }),
      500,
    );
  });

  const list = async (c: Context) => {
    const user = await options.currentUser(c);
    const base = baseOf(c);
    const q = readListingQuery(c.req.query(), 'search', ['name', 'updated'] as const);
    const page = await management.listRepositories({
      ...(q.text ? { search: q.text } : {}),
      sort: q.sort,
      order: q.order,
      limit: q.perPage ?? pageSize,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      withSize: true,
      visible: user.visible,
    });
    const path = homeOf(base);
    return c.html(
      RepositoryList({
        base,
        user: user.name,
        host: hostOf(c),
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

  app.get('/repositories/:name{.+}', async (c) => {
    const user = await options.currentUser(c);
    const base = baseOf(c);
    const name = c.req.param('name');
    // Invalid, hidden and missing repositories all look the same.
    if (explainInvalidName(name) !== null || !(await user.visible([name])).includes(name)) return notFound(c, base, user.name);
    const q = readListingQuery(c.req.query(), 'name', ['name', 'created', 'updated'] as const);
    const page = await management.listTags(name, {
      ...(q.text ? { name: q.text } : {}),
      sort: q.sort,
      order: q.order,
      limit: q.perPage ?? pageSize,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    const rows = await Promise.all(
      page.items.map(async (t): Promise<TagRow> => {
        // A tag deleted since the listing keeps its row, without a size.
        const size = await management.tagDetails(name, t.name).then(
          (d) => d.totalSize,
          (error: unknown) => {
            if (error instanceof RegistryError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')) return null;
            throw error;
          },
        );
        return { name: t.name, digest: t.digest, size, createdAt: t.createdAt, updatedAt: t.updatedAt };
      }),
    );
    const path = `${base}/repositories/${name}`;
    return c.html(
      RepositoryPage({
        base,
        user: user.name,
        host: hostOf(c),
        name,
        size: await management.repositorySize(name),
        rows,
        filter: q.text,
        sort: q.sort,
        order: q.order,
        perPage: q.perPage,
        firstHref: q.cursor ? listingHref(path, 'name', q, undefined) : null,
        nextHref: page.next ? listingHref(path, 'name', q, page.next) : null,
      }),
    );
  });

  // Last: a mounted app's notFound handler is not used by its host, a catch-all route is.
  // The mount point with a trailing slash (`/registry/`) is the list too.
  app.get('*', (c) => (c.req.path === `${baseOf(c)}/` ? list(c) : notFound(c, baseOf(c), undefined)));
  return app;
}

/** Where the app is mounted, without a trailing slash (`''` at the root). */
function baseOf(c: Context): string {
  return basePath(c).replace(/\/+$/, '');
}

function notFound(c: Context, base: string, user: string | null | undefined): Response | Promise<Response> {
  return c.html(
    ProblemPage({ base, user, title: 'Page not found', message: 'There is no such page, or you do not have access to it.' }),
    404,
  );
}
