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
 * listings keep only the repositories the caller may pull.
 * @module
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { errorResponse } from '../errors/serialize.js';
import { RegistryError } from '../errors/registry-error.js';
import type { AccessRequest } from '../hooks.js';
import { eventRequest } from '../api/events.js';
import { covers } from '../router/access.js';
import { readLimited } from '../streams.js';
import { MAX_PAGE, type RegistryManagement } from './registry-management.js';
import { CleanupPolicyError } from '../lifecycle/cleanup/errors.js';
import { collectGarbage } from '../gc/collector.js';
import { GcLockedError } from '../gc/lock.js';
import { parseGcDuration } from '../gc/duration.js';
import { ulid } from 'ulid';

/**
 * Decides what the caller of a management request may do among `wanted`; throws a
 * RegistryError (e.g. UNAUTHORIZED with a challenge) to refuse outright.
 */
export type ManagementAuthorizer = (request: Request, wanted: readonly AccessRequest[], env: unknown) => Promise<readonly AccessRequest[]>;

export interface ManagementRoutesOptions {
  /** Default: the registry's `onAuthorize` hook asked with `wanted` as optional access; everything when there is none. */
  readonly authorize?: ManagementAuthorizer;
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
const bulkBody = z.strictObject({ tags: z.array(z.string()).min(1).max(1000) });
const renameBody = z.strictObject({ to: z.string().min(1).max(300) });

const pull = (name: string): AccessRequest => ({ type: 'repository', name, actions: ['pull'] });
const del = (name: string): AccessRequest => ({ type: 'repository', name, actions: ['delete'] });

export function createManagementRoutes(management: RegistryManagement, options: ManagementRoutesOptions = {}): Hono {
  const hooks = management.api.hooks;
  const authorize: ManagementAuthorizer =
    options.authorize ??
    (async (request, wanted) => {
      if (!hooks.onAuthorize) return wanted;
      const result = await hooks.onAuthorize({ request, route: 'management', required: [], optional: wanted });
      return result ? result.granted : wanted;
    });
  const need = async (c: Context, access: AccessRequest) => {
    const granted = await authorize(c.req.raw, [access], c.env);
    if (!covers(granted, access)) {
      throw new RegistryError('DENIED', `requested access to ${access.type} ${access.name} (${access.actions.join(',')}) is denied`);
    }
  };
  const principalOf = (c: Context) => ({ principal: (c.env as { wharfPrincipal?: unknown } | undefined)?.wharfPrincipal, request: eventRequest(c.req.raw) });

  const app = new Hono();
  app.onError(async (error, c) => {
    if (!(error instanceof RegistryError)) {
      // Unexpected: report it like the distribution routes do; the client sees a bare 500.
      try {
        if (hooks.onError) await hooks.onError(error, { request: c.req.raw });
        else console.error('wharf: unexpected error in the management API', error);
      } catch {
        // nothing left to report to
      }
    }
    return errorResponse(error);
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
    });
    const granted = await authorize(c.req.raw, page.items.map((r) => pull(r.name)), c.env);
    const visible = page.items.filter((r) => covers(granted, pull(r.name)));
    const items = await Promise.all(
      visible.map(async (r) => ({
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
    await management.deleteTag(name, c.req.param('tag'), principalOf(c));
    return c.body(null, 204);
  });

  app.delete('/repositories/:name/tags', async (c) => {
    const name = c.req.param('name');
    await need(c, del(name));
    const json = await readJson(c, '{ "tags": ["…"] } or { "name_regex_delete": "…", … }');
    if (json && typeof json === 'object' && !('tags' in json)) {
      const dryRun = c.req.query('dry_run') === 'true';
      const result = await cleanupCall(() => management.cleanup.bulkDelete(name, json, { dryRun }));
      return c.json({ dry_run: result.dryRun, deleted: result.deleted, failed: result.failed, kept: result.kept });
    }
    const body = parse(bulkBody, json);
    const result = await management.deleteTags(name, body.tags, principalOf(c));
    return c.json({ deleted: result.deleted, not_found: result.notFound, failed: result.failed });
  });

  app.delete('/repositories/:name', async (c) => {
    const name = c.req.param('name');
    await need(c, del(name));
    const { job } = await management.deleteRepository(name, principalOf(c));
    return c.json(presentDeletion(job), 202, { Location: `${new URL(c.req.url).pathname.replace(/\/repositories\/.*$/, '')}/deletions/${job.id}` });
  });

  app.post('/repositories/:name/rename', async (c) => {
    const name = c.req.param('name');
    const { to } = parse(renameBody, await readJson(c, '{ "to": "new/name" }'));
    await need(c, del(name));
    await need(c, { type: 'repository', name: to, actions: ['pull', 'push'] });
    const result = await management.renameRepository(name, to, principalOf(c));
    return c.json({ from: result.from, to: result.to, files_moved: result.files });
  });

  const policies = management.cleanup.policies;
  app.get('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, pull(project));
    const policy = await cleanupCall(() => policies.get(project));
    if (!policy) throw new RegistryError('NOT_FOUND', `project ${project} has no cleanup policy`);
    return c.json(policy);
  });
  app.put('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, del(project));
    const input = await readJson(c, '{ "enabled": true, "cadence": "7d", "keep_n": 10, "older_than": "90d", "name_regex": ".*", "name_regex_keep": null }');
    return c.json(await cleanupCall(() => policies.save(project, input)));
  });
  app.delete('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, del(project));
    if (!(await cleanupCall(() => policies.delete(project)))) throw new RegistryError('NOT_FOUND', `project ${project} has no cleanup policy`);
    return c.body(null, 204);
  });
  app.post('/projects/:project/cleanup_policy/run', async (c) => {
    const project = c.req.param('project');
    const dryRun = c.req.query('dry_run') === 'true';
    await need(c, dryRun ? pull(project) : del(project));
    const raw = await readLimited(c.req.raw.body, 64 * 1024);
    const text = raw ? new TextDecoder().decode(raw).trim() : '';
    let policy: unknown;
    if (text) {
      try {
        policy = JSON.parse(text);
      } catch {
        throw new RegistryError('PARAMETER_INVALID', 'the body must be a JSON cleanup policy, or empty');
      }
    }
    const result = await cleanupCall(() =>
      management.cleanup.runner.run(project, { dryRun, ...(policy !== undefined ? { policy } : {}), ...principalOf(c) }),
    );
    return c.json(result);
  });
  app.get('/projects/:project/cleanup_policy/runs', async (c) => {
    const project = c.req.param('project');
    await need(c, pull(project));
    const state = await cleanupCall(() => policies.state(project));
    return c.json({ next_run_at: state?.nextRunAt ?? null, unfinished: state?.cursor !== null && state !== null, runs: state?.runs ?? [] });
  });

  // Garbage collection is registry-wide: it needs the catalog permission (administrators).
  const gcRuns = new Map<string, { status: 'running' | 'done' | 'failed'; startedAt: string; report: unknown; error: string | null }>();
  app.post('/gc', async (c) => {
    await need(c, { type: 'registry', name: 'catalog', actions: ['*'] });
    const grace = c.req.query('grace');
    let graceMs: number | undefined;
    if (grace !== undefined) {
      graceMs = parseGcDuration(grace) ?? undefined;
      if (graceMs === undefined) throw new RegistryError('PARAMETER_INVALID', `invalid grace ${JSON.stringify(grace.slice(0, 50))}: expected a duration such as 30m, 1h or 2d`);
    }
    const id = ulid();
    const run = { status: 'running' as const, startedAt: new Date().toISOString(), report: null, error: null };
    gcRuns.set(id, run);
    void collectGarbage(management.api.options.storage, {
      dryRun: c.req.query('dry_run') === 'true',
      deleteUntagged: c.req.query('delete_untagged') === 'true',
      ...(graceMs !== undefined ? { graceMs } : {}),
      hooks,
    }).then(
      (report) => gcRuns.set(id, { ...run, status: 'done', report }),
      (error: unknown) =>
        gcRuns.set(id, { ...run, status: 'failed', error: error instanceof GcLockedError ? 'another garbage collection is running' : error instanceof Error ? error.message : String(error) }),
    );
    return c.json({ id, ...run }, 202, { Location: `${new URL(c.req.url).pathname}/${id}` });
  });
  app.get('/gc/:id', async (c) => {
    await need(c, { type: 'registry', name: 'catalog', actions: ['*'] });
    const run = gcRuns.get(c.req.param('id'));
    if (!run) throw new RegistryError('NOT_FOUND', 'no such garbage collection in this process');
    return c.json({ id: c.req.param('id'), ...run });
  });

  app.get('/deletions/:id', (c) => {
    const job = management.deletion(c.req.param('id'));
    if (!job) throw new RegistryError('NOT_FOUND', 'no such repository deletion in this process');
    return c.json(presentDeletion(job));
  });

  app.get('/usage', async (c) => {
    const prefix = c.req.query('prefix');
    if (!prefix) await need(c, { type: 'registry', name: 'catalog', actions: ['*'] });
    else await need(c, pull(prefix));
    const usage = await management.usage(prefix);
    return c.json({ prefix: usage.prefix, total_size: usage.total, repositories: usage.repositories });
  });
  // Last: a mounted app's notFound handler is not used by its host, a catch-all route is.
  app.all('*', () => errorResponse(new RegistryError('NOT_FOUND', 'no such management endpoint')));
  return app;
}

function presentDeletion(job: ReturnType<RegistryManagement['deletion']> & object) {
  return {
    id: job.id,
    repository: job.repository,
    status: job.status,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    tags_deleted: job.tagsDeleted,
    manifests_deleted: job.manifestsDeleted,
    error: job.error,
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'request';
    const code = field === 'per_page' ? 'PAGINATION_NUMBER_INVALID' : 'PARAMETER_INVALID';
    throw new RegistryError(code, `invalid ${field}: ${issue?.message ?? 'unreadable'}`);
  }
  return result.data;
}

/** Run a cleanup call, turning its validation errors into registry errors (400, or 404 for no policy). */
async function cleanupCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CleanupPolicyError) {
      if (error.field === 'project' && /no (cleanup )?policy/i.test(error.message)) throw new RegistryError('NOT_FOUND', error.message);
      throw new RegistryError(error.field === 'project' ? 'NAME_INVALID' : 'PARAMETER_INVALID', error.message, { detail: { field: error.field, issues: error.issues } });
    }
    throw error;
  }
}

async function readJson(c: Context, shape: string): Promise<unknown> {
  const raw = await readLimited(c.req.raw.body, 256 * 1024);
  if (raw === null) throw new RegistryError('PARAMETER_INVALID', 'the body is larger than 256 KiB');
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new RegistryError('PARAMETER_INVALID', `the body must be JSON: ${shape}`);
  }
}

function nextLink(c: Context, cursor: string): string {
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}
