/**
 * The management API's garbage-collection routes: registry-wide, so they need the catalog
 * permission (administrators). Runs are remembered in this process.
 * @module
 */
import type { Hono } from 'hono';
import { ulid } from 'ulid';
import { RegistryError } from '../../errors/registry-error.js';
import { collectGarbage } from '../../gc/collector.js';
import { parseGcDuration } from '../../gc/duration.js';
import { GcLockedError } from '../../gc/lock.js';
import { catalog, type ManagementContext } from './route-support.js';

/** Finished collections remembered for status polls. */
const KEEP_RUNS = 100;

interface GcRun {
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  report: unknown;
  error: string | null;
}

export function addGcRoutes(app: Hono, ctx: ManagementContext): void {
  const { management, need } = ctx;
  const runs = new Map<string, GcRun>();
  const remember = (id: string, run: GcRun) => {
    runs.set(id, run);
    for (const [old, r] of runs) {
      if (runs.size <= KEEP_RUNS) break;
      if (r.status !== 'running') runs.delete(old);
    }
  };
  app.post('/gc', async (c) => {
    await need(c, catalog);
    const grace = c.req.query('grace');
    let graceMs: number | undefined;
    if (grace !== undefined) {
      graceMs = parseGcDuration(grace) ?? undefined;
      if (graceMs === undefined)
        throw new RegistryError(
          'PARAMETER_INVALID',
          `invalid grace ${JSON.stringify(grace.slice(0, 50))}: expected a duration such as 30m, 1h or 2d`,
        );
    }
    const id = ulid();
    const run: GcRun = { status: 'running', startedAt: new Date().toISOString(), report: null, error: null };
    remember(id, run);
    void management.background
      .track(
        collectGarbage(management.api.options.storage, {
          dryRun: c.req.query('dry_run') === 'true',
          deleteUntagged: c.req.query('delete_untagged') === 'true',
          ...(graceMs !== undefined ? { graceMs } : {}),
          hooks: management.api.hooks,
        }),
      )
      .then(
        (report) => remember(id, { ...run, status: 'done', report }),
        (error: unknown) =>
          remember(id, {
            ...run,
            status: 'failed',
            error:
              error instanceof GcLockedError
                ? 'another garbage collection is running'
                : error instanceof Error
                  ? error.message
                  : String(error),
          }),
      );
    return c.json({ id, ...run }, 202, { Location: `${new URL(c.req.url).pathname}/${id}` });
  });
  app.get('/gc/:id', async (c) => {
    await need(c, catalog);
    const run = runs.get(c.req.param('id'));
    if (!run) throw new RegistryError('NOT_FOUND', 'no such garbage collection in this process');
    return c.json({ id: c.req.param('id'), ...run });
  });
}
