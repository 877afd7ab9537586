/**
 * Wharf's extra: online garbage collection, for administrators (`POST /registry/gc` starts one
 * and answers 202 with its id; `GET /registry/gc/:id` its status and, when done, its report) —
 * the old management API's `/gc`. GitLab runs its registry's garbage collection from the
 * command line only; Wharf collects while serving (see core's gc/). Runs are remembered in
 * this process (the last 100 finished ones).
 * @module
 */
import { collectGarbage, GcLockedError, parseGcDuration } from '@wharf/core';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { requireAdmin } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { badParameter, notFound } from '../http/api-error.js';
import { boolParam } from '../http/input.js';
import type { RouteTable } from '../http/route-table.js';

/** Finished collections remembered for status polls. */
const KEEP_RUNS = 100;

interface GcRun {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly started_at: string;
  readonly report: unknown;
  readonly error: string | null;
}

const gcInput = z.object({
  dry_run: boolParam.optional().describe('Report what would be deleted, delete nothing'),
  delete_untagged: boolParam.optional().describe('Also delete manifests no tag reaches'),
  grace: z.string().max(50).optional().describe('Leave content younger than this (`30m`, `1h`, `2d`)'),
});

function describeFailure(error: unknown): string {
  if (error instanceof GcLockedError) return 'another garbage collection is running';
  return error instanceof Error ? error.message : String(error);
}

/** The garbage collection routes. */
export function gcRoutes(table: RouteTable, deps: ApiDeps): void {
  const management = deps.management;
  const runs = new Map<string, GcRun>();
  const remember = (run: GcRun) => {
    runs.set(run.id, run);
    for (const [id, r] of runs) {
      if (runs.size <= KEEP_RUNS) break;
      if (r.status !== 'running') runs.delete(id);
    }
  };

  table.add({
    method: 'post',
    path: '/registry/gc',
    operationId: 'startGarbageCollection',
    tag: 'container_registry',
    summary: 'Start an online garbage collection (Wharf, administrators)',
    access: { auth: 'user' },
    input: gcInput,
    response: { status: 202, description: 'The collection, `running`; poll `GET /registry/gc/:id`' },
    errors: [400, 403],
    handler: async (c, input) => {
      requireAdmin(c.get('caller'));
      const graceMs = input.grace === undefined ? undefined : parseGcDuration(input.grace);
      if (graceMs === null) throw badParameter('grace is invalid: expected a duration such as 30m, 1h or 2d');
      const run: GcRun = { id: randomUUID(), status: 'running', started_at: new Date().toISOString(), report: null, error: null };
      remember(run);
      void management.background
        .track(
          collectGarbage(management.api.options.storage, {
            dryRun: input.dry_run ?? false,
            deleteUntagged: input.delete_untagged ?? false,
            ...(graceMs !== undefined ? { graceMs } : {}),
            hooks: management.api.hooks,
          }),
        )
        .then(
          (report) => remember({ ...run, status: 'done', report }),
          (error: unknown) => remember({ ...run, status: 'failed', error: describeFailure(error) }),
        );
      return c.json(run, 202, { Location: `${new URL(c.req.url).pathname}/${run.id}` });
    },
  });

  table.add({
    method: 'get',
    path: '/registry/gc/:gc_id',
    operationId: 'getGarbageCollection',
    tag: 'container_registry',
    summary: "A garbage collection's status and, when done, its report (Wharf, administrators)",
    access: { auth: 'user' },
    response: { status: 200, description: 'The collection' },
    errors: [403, 404],
    handler: (c) => {
      requireAdmin(c.get('caller'));
      const run = runs.get(c.req.param('gc_id') ?? '');
      if (!run) throw notFound('Garbage collection');
      return c.json(run);
    },
  });
}
