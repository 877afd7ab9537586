/**
 * Wharf's extras for a project's cleanup policy (GitLab's container expiration policy, edited
 * with `PUT /projects/:id` and `container_expiration_policy_attributes`): run it now or try it
 * (`POST /projects/:id/registry/cleanup_policy/run`, `dry_run=true` plans and deletes nothing,
 * optionally with unsaved policy fields), and what its runs did (`GET /projects/:id/registry/
 * cleanup_policy/runs`) — what the old management API offered under `/projects/:project/
 * cleanup_policy`. Protected tags are kept by every run.
 *
 * A dry run only reads, so reporters may do it; a real run deletes, so it needs what deleting
 * in bulk needs (the maintainer role).
 * @module
 */
import { CleanupPolicyError } from '@wharf/core';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { badParameter, notFound } from '../http/api-error.js';
import { boolParam, intParam } from '../http/input.js';
import type { RouteTable } from '../http/route-table.js';
import { registryPrincipal } from './call-context.js';
import { registryProject, requireRegistryAdmin } from './registry-access.js';

/** The policy fields a dry run may try (as in `container_expiration_policy_attributes`). */
const runInput = z.object({
  dry_run: boolParam.optional().describe('Plan only: delete nothing, record nothing'),
  cadence: z.string().optional(),
  enabled: boolParam.optional(),
  keep_n: intParam.nullable().optional(),
  older_than: z.string().nullable().optional(),
  name_regex: z.string().nullable().optional(),
  name_regex_delete: z.string().nullable().optional(),
  name_regex_keep: z.string().nullable().optional(),
});

/** Run a cleanup call, turning its refusals into GitLab-style errors. */
async function cleanupCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof CleanupPolicyError)) throw error;
    if (error.field === 'project' && /no (cleanup )?policy/i.test(error.message)) throw notFound('Cleanup policy');
    throw badParameter(`${error.field} is invalid: ${error.issues[0]?.message ?? error.message}`);
  }
}

/** The cleanup routes. */
export function cleanupRoutes(table: RouteTable, deps: ApiDeps): void {
  const cleanup = deps.management.cleanup;

  table.add({
    method: 'post',
    path: '/projects/:id/registry/cleanup_policy/run',
    operationId: 'runProjectCleanupPolicy',
    tag: 'container_registry',
    summary: "Run the project's cleanup policy now, or dry-run it (Wharf)",
    description:
      'With `dry_run=true`, the policy fields given (cadence, keep_n, older_than, name_regex, name_regex_keep…) are tried over the saved ' +
      'policy, unsaved, and the answer lists what each repository would delete and keep. A real run uses the saved policy.',
    access: { auth: 'user' },
    input: runInput,
    response: { status: 200, description: 'What the run did (or would do)' },
    errors: [400, 403, 404],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = registryProject(c);
      const { dry_run: dryRun = false, ...fields } = input;
      const policy = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (!dryRun) {
        requireRegistryAdmin(state, caller, project);
        if (Object.keys(policy).length > 0)
          throw badParameter('policy fields are for dry runs only: save the policy with PUT /projects/:id first');
      }
      const principal = registryPrincipal(caller);
      const result = await cleanupCall(() =>
        cleanup.runner.run(project.path, {
          dryRun,
          ...(dryRun && Object.keys(policy).length > 0 ? { policy } : {}),
          ...(principal ? { principal } : {}),
        }),
      );
      return c.json(result);
    },
  });

  table.add({
    method: 'get',
    path: '/projects/:id/registry/cleanup_policy/runs',
    operationId: 'listProjectCleanupPolicyRuns',
    tag: 'container_registry',
    summary: "The last runs of the project's cleanup policy, newest first, and when it runs next (Wharf)",
    access: { auth: 'public', jobToken: true },
    response: { status: 200, description: '`next_run_at`, `unfinished` and `runs`' },
    errors: [403, 404],
    handler: async (c) => {
      const project = registryProject(c);
      const state = await cleanupCall(() => cleanup.policies.state(project.path));
      return c.json({ next_run_at: state?.nextRunAt ?? null, unfinished: state?.cursor != null, runs: state?.runs ?? [] });
    },
  });
}
