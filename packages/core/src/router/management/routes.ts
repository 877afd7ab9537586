/**
 * HTTP routes of the management API, for the host to mount (e.g. at `/api/registry`). JSON in
 * and out, queries validated with zod, errors as the registry's error bodies. Repository names
 * travel URL-encoded in one path segment (`/repositories/team%2Fapp/tags`), like GitLab's
 * project paths.
 *
 * | method | path | what |
 * |---|---|---|
 * | GET | `/repositories?prefix&search&sort&order&per_page&cursor` | repositories (name, tag count, size, times) |
 * | GET | `/repositories/:name/tags?name&sort&order&per_page&cursor` | tags with digest, media type, size, times |
 * | GET | `/repositories/:name/tags/:tag` | one tag with its total size |
 * | DELETE | `/repositories/:name/tags/:tag` | delete a tag |
 * | DELETE | `/repositories/:name/tags` | bulk delete: JSON `{ "tags": [...] }` |
 * | DELETE | `/repositories/:name` | delete the repository in the background: 202 with a job |
 * | POST | `/repositories/:name/rename` | JSON `{ "to": "new/name" }`: move it with its images |
 * | GET | `/deletions/:id` | the job's status |
 * | GET | `/usage?prefix` | deduplicated bytes per repository and in total |
 * | GET, PUT, DELETE | `/projects/:project/cleanup_policy` | a project's cleanup policy (PUT: partial update) |
 * | POST | `/projects/:project/cleanup_policy/run?dry_run=true` | run it now, or dry-run it (a JSON body: an unsaved policy to try) |
 * | GET | `/projects/:project/cleanup_policy/runs` | the last runs and when the next one is due |
 * | POST | `/gc?dry_run=true&delete_untagged=true&grace=1h` | start an online garbage collection: 202 and a job |
 * | GET | `/gc/:id` | the collection's status and, when done, its report |
 *
 * `DELETE /repositories/:name/tags` also takes GitLab's bulk-delete parameters instead of names:
 * `{ "name_regex_delete": "v.+", "name_regex_keep": "…", "keep_n": 5, "older_than": "7d" }`.
 *
 * Every route asks the authorizer for the access it needs (pull to read, delete to delete);
 * listings keep only the repositories the caller may pull, before they sort, page or build a
 * cursor (see visibility.ts). A deletion job is shown only to callers who may pull its
 * repository; to others it is as unknown as a made-up id.
 *
 * JSON bodies must be `Content-Type: application/json` and at most 64 KiB (413 / 415 otherwise).
 * Requests that change state (POST, PUT, PATCH, DELETE) are refused with 403 DENIED when a
 * browser sends them on behalf of another site (`Sec-Fetch-Site`, `Origin`): with cached Basic
 * credentials or cookies a cross-site form could otherwise delete images.
 * @module
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { toResponse } from '../../errors/serialize.js';
import { RegistryError } from '../../errors/registry-error.js';
import { crossSiteProblem, isUnsafeMethod, readJsonBody } from '../json-request.js';
import { MAX_PAGE, type RegistryManagement } from '../../management/registry-management.js';
import { addCleanupRoutes } from './cleanup-routes.js';
import { addGcRoutes } from './gc-routes.js';
import {
  catalog,
  cleanupCall,
  del,
  managementContext,
  nextLink,
  parse,
  presentDeletion,
  pull,
  type ManagementAuthorizer,
} from './route-support.js';

export type { ManagementAuthorizer } from './route-support.js';

export interface ManagementRoutesOptions {
  /** Default: the registry's `onAuthorize` hook asked with `wanted` as optional access; everything when there is none. */
  readonly authorize?: ManagementAuthorizer;
  /**
   * Origins (`https://registry.example.com`) whose browser pages may change state besides the
   * request's own (its `Host`); default none.
   */
  readonly trustedOrigins?: readonly string[];
}

const order = z.enum(['asc', 'desc']).optional();
const perPage = z.coerce.number().int().min(1).max(MAX_PAGE).optional();
const repositoriesQuery = z.object({
  prefix: z.string().min(1).optional(),
  search: z.string().max(255).optional(),
  sort: z.enum(['name', 'created', 'updated']).optional(),
  order,
  per_page: perPage,
  cursor: z.string().max(2000).optional(),
});
const tagsQuery = z.object({
  name: z.string().max(128).optional(),
  sort: z.enum(['name', 'created', 'updated']).optional(),
  order,
  per_page: perPage,
  cursor: z.string().max(2000).optional(),
});
const bulkBody = z.strictObject({ tags: z.array(z.string().max(256)).min(1).max(1000) });
const renameBody = z.strictObject({ to: z.string().min(1).max(300) });

export function createManagementRoutes(management: RegistryManagement, options: ManagementRoutesOptions = {}): Hono {
  const hooks = management.api.hooks;
  const authorize: ManagementAuthorizer =
    options.authorize ??
    (async (request, wanted) => {
      if (!hooks.onAuthorize) return wanted;
      const result = await hooks.onAuthorize({ request, route: 'management', required: [], optional: wanted });
      return result ? result.granted : wanted;
    });
  const ctx = managementContext(management, authorize);
  const { need } = ctx;

  const app = new Hono();
  app.onError(async (error, c) => {
    if (!(error instanceof RegistryError)) {
      // Unexpected: report it like the distribution routes do; the client sees a bare 500.
      try {
        if (hooks.onError) await hooks.onError(error, { request: c.req.raw });
        // A client that left mid-request (its body aborted) is no server error: the access log has its line.
        else if (!c.req.raw.signal.aborted) console.error('wharf: unexpected error in the management API', error);
      } catch {
        // nothing left to report to
      }
    }
    return toResponse(error, c.req.method);
  });
  // First, before credentials are even looked at: a forged request must not count as a failed login.
  app.use('*', async (c, next) => {
    if (isUnsafeMethod(c.req.method)) {
      const problem = crossSiteProblem(c.req.raw, options.trustedOrigins ? { trustedOrigins: options.trustedOrigins } : {});
      if (problem) throw new RegistryError('DENIED', problem);
    }
    await next();
  });

  app.get('/repositories', async (c) => {
    const q = parse(repositoriesQuery, c.req.query());
    const page = await management.listRepositories({
      ...(q.prefix ? { prefix: q.prefix } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.sort ? { sort: q.sort } : {}),
      ...(q.order ? { order: q.order } : {}),
      limit: q.per_page ?? 20,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      withSize: false,
      visible: ctx.visibleTo(c),
    });
    const items = await Promise.all(
      page.items.map(async (r) => ({
        name: r.name,
        tags_count: r.tagCount,
        size: await management.repositorySize(r.name),
        created_at: r.createdAt,
        updated_at: r.updatedAt,
      })),
    );
    return c.json({ repositories: items, next: page.next }, 200, page.next ? { Link: nextLink(c, page.next) } : {});
  });

  app.get('/repositories/:name/tags', async (c) => {
    const name = c.req.param('name');
    await need(c, pull(name));
    const q = parse(tagsQuery, c.req.query());
    const page = await management.listTags(name, {
      ...(q.name ? { name: q.name } : {}),
      ...(q.sort ? { sort: q.sort } : {}),
      ...(q.order ? { order: q.order } : {}),
      limit: q.per_page ?? 20,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    const tags = page.items.map((t) => ({
      name: t.name,
      digest: t.digest,
      media_type: t.mediaType,
      size: t.size,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
    }));
    return c.json({ tags, next: page.next }, 200, page.next ? { Link: nextLink(c, page.next) } : {});
  });

  app.get('/repositories/:name/tags/:tag', async (c) => {
    const name = c.req.param('name');
    await need(c, pull(name));
    const t = await management.tagDetails(name, c.req.param('tag'));
    return c.json({
      name: t.name,
      digest: t.digest,
      media_type: t.mediaType,
      size: t.size,
      total_size: t.totalSize,
      blob_count: t.blobCount,
      manifests: t.manifests,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
    });
  });

  app.delete('/repositories/:name/tags/:tag', async (c) => {
    const name = c.req.param('name');
    await need(c, del(name));
    await management.deleteTag(name, c.req.param('tag'), ctx.callOf(c));
    return c.body(null, 204);
  });

  app.delete('/repositories/:name/tags', async (c) => {
    const name = c.req.param('name');
    await need(c, del(name));
    const json = await readJsonBody(c.req.raw);
    if (json !== null && typeof json === 'object' && !Array.isArray(json) && !Object.hasOwn(json, 'tags')) {
      const dryRun = c.req.query('dry_run') === 'true';
      const result = await cleanupCall(() => management.cleanup.bulkDelete(name, json, { dryRun }));
      return c.json({ dry_run: result.dryRun, deleted: result.deleted, failed: result.failed, kept: result.kept });
    }
    const body = parse(bulkBody, json);
    const result = await management.deleteTags(name, body.tags, ctx.callOf(c));
    return c.json({ deleted: result.deleted, not_found: result.notFound, failed: result.failed });
  });

  app.delete('/repositories/:name', async (c) => {
    const name = c.req.param('name');
    await need(c, del(name));
    const { job } = await management.deleteRepository(name, ctx.callOf(c));
    return c.json(presentDeletion(job), 202, {
      Location: `${new URL(c.req.url).pathname.replace(/\/repositories\/.*$/, '')}/deletions/${job.id}`,
    });
  });

  app.post('/repositories/:name/rename', async (c) => {
    const name = c.req.param('name');
    // Access first: a caller who may not touch the repository does not get its body read.
    await need(c, del(name));
    const { to } = parse(renameBody, await readJsonBody(c.req.raw));
    await need(c, { type: 'repository', name: to, actions: ['pull', 'push'] });
    const result = await management.renameRepository(name, to, ctx.callOf(c));
    return c.json({ from: result.from, to: result.to, files_moved: result.files });
  });

  addCleanupRoutes(app, ctx);
  addGcRoutes(app, ctx);

  app.get('/deletions/:id', async (c) => {
    const job = management.deletion(c.req.param('id'));
    // Someone else's job answers like an unknown id: ids must not tell what exists.
    if (!job || !(await ctx.may(c, pull(job.repository))))
      throw new RegistryError('NOT_FOUND', 'no such repository deletion in this process');
    return c.json(presentDeletion(job));
  });

  app.get('/usage', async (c) => {
    const prefix = c.req.query('prefix');
    await need(c, prefix ? pull(prefix) : catalog);
    const usage = await management.usage(prefix, { visible: ctx.visibleTo(c) });
    return c.json({ prefix: usage.prefix, total_size: usage.total, repositories: usage.repositories });
  });
  // Last: a mounted app's notFound handler is not used by its host, a catch-all route is.
  app.all('*', (c) => toResponse(new RegistryError('NOT_FOUND', 'no such management endpoint'), c.req.method));
  return app;
}
