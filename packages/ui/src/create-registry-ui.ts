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
 * | `/namespaces/<path>?search&sort&order&per_page&cursor` | a group's or project's repositories (all below it) |
 * | `/namespaces/<path>/-/usage` | storage used by the namespace and each of its repositories |
 * | `/namespaces/<path>/-/settings` | cleanup policy form, its preview and last runs; the registry on/off switch |
 * | `POST /namespaces/<path>/-/settings/cleanup`, `…/-/settings/registry` | save or preview a policy; turn the registry off or on |
 * | `/-/assets/wharf-ui.js` | the page's script (progressive enhancement) |
 * @module
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { RegistryError } from '@wharf/core';
import type { RegistryUiOptions } from './options.js';
import { addAssets } from './routes/assets.js';
import { uiRoutes } from './routes/context.js';
import { addRepositoryList } from './routes/repository-list.js';
import { addRepositoryPage } from './routes/repository-page.js';
import { addNamespacePages } from './routes/namespace-pages.js';
import { addTagActions } from './routes/tag-actions.js';
import { ProblemPage } from './views/layout.js';

/** Largest form body the page reads. */
export const FORM_MAX_BYTES = 128 * 1024;

/** Scripts and styles of this origin only (the one inline stylesheet), forms only to this page, never framed. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Create the registry page.
 * @param options see {@link RegistryUiOptions}
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
  const pageSize = options.pageSize ?? 20;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    throw new RangeError(`pageSize must be an integer from 1 to 100, got ${pageSize}`);
  const ui = uiRoutes(options, pageSize);

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    // Pages are per user and change with every push (the script sets its own caching).
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  app.onError(async (error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const frame = { base: ui.baseOf(c), user: undefined };
    if (error instanceof RegistryError) {
      if (error.code === 'NAME_UNKNOWN' || error.code === 'NAME_INVALID') return ui.notFound(c);
      if (error.code === 'PAGINATION_NUMBER_INVALID') {
        return c.html(
          ProblemPage({
            frame,
            title: 'Page link out of date',
            message: 'This page link no longer works. Start again from the first page.',
          }),
          400,
        );
      }
      if (error.code === 'DENIED' || error.code === 'UNAUTHORIZED') {
        // The registry's reason (a protected tag, a role the change needs) is the user's own to read.
        const reason = error.message ? `: ${error.message}` : '.';
        return c.html(ProblemPage({ frame, title: 'Not allowed', message: `You are not allowed to do this${reason}` }), 403);
      }
    }
    try {
      if (options.management.api.hooks.onError) await options.management.api.hooks.onError(error, { request: c.req.raw });
      else console.error('wharf: unexpected error in the registry page', error);
    } catch {
      // nothing left to report to
    }
    return c.html(
      ProblemPage({ frame, title: 'Something went wrong', message: 'The page could not be shown. Try again in a moment.' }),
      500,
    );
  });

  // The page's forms are small (a hundred tag names at most): a larger body is refused while it
  // streams, before any of it is parsed.
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    '*',
    bodyLimit({
      maxSize: FORM_MAX_BYTES,
      onError: (c) =>
        c.html(
          ProblemPage({
            frame: { base: ui.baseOf(c), user: undefined },
            title: 'Form too large',
            message: 'The form was too large to be read.',
          }),
          413,
        ),
    }),
  );
  addAssets(app);
  const list = addRepositoryList(app, ui);
  addRepositoryPage(app, ui);
  addTagActions(app, ui);
  addNamespacePages(app, ui);

  // Last: a mounted app's notFound handler is not used by its host, a catch-all route is.
  // The mount point with a trailing slash (`/registry/`) is the list too.
  app.all('*', (c) => (c.req.method === 'GET' && c.req.path === `${ui.baseOf(c)}/` ? list(c) : ui.notFound(c)));
  return app;
}
