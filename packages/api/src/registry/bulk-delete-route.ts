/**
 * GitLab's "delete registry repository tags in bulk": `DELETE /projects/:id/registry/
 * repositories/:repository_id/tags` with `name_regex_delete` (required; `name_regex` is its
 * deprecated alias), `name_regex_keep`, `keep_n` and `older_than`, as query, form or JSON.
 *
 * The rules are core's cleanup algorithm (`bulkDeleteTags`): `latest` always stays, tags are
 * ordered by creation time, patterns are RE2 matched against the whole name, and protected
 * tags are never deleted. The parameters are checked before anything is accepted (a bad
 * pattern is 400 naming the field); then, as in GitLab, the answer is 202 and the deletes run in
 * the background. One bulk delete per repository runs at a time in a process (GitLab allows one
 * an hour: a client repeating its request must not stack up runs).
 *
 * Wharf's extra: `dry_run=true` deletes nothing and answers 200 with the plan — which tags
 * would go, and why each other one stays.
 * @module
 */
import { CleanupPolicyError, parseBulkDeleteParams } from '@wharf/core';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { badParameter, badRequest } from '../http/api-error.js';
import { boolParam, intParam } from '../http/input.js';
import type { RouteTable } from '../http/route-table.js';
import { registryProject, requireRegistryAdmin } from './registry-access.js';
import { findProjectRepository } from './repositories.js';

const RE2 = 'An RE2 pattern matched against the whole tag name';

const bulkInput = z.object({
  name_regex_delete: z.string().optional().describe(`${RE2}: the tags to delete (\`.*\` for all). Required, or name_regex`),
  name_regex: z.string().optional().describe('Deprecated alias of name_regex_delete'),
  name_regex_keep: z.string().optional().describe(`${RE2}: tags to keep whatever else matches`),
  keep_n: intParam.optional().describe('Keep this many of the newest matching tags'),
  older_than: z.string().max(100).optional().describe('Delete only tags older than this (`1h`, `2d`, `1month`)'),
  dry_run: boolParam.optional().describe('Wharf: plan only, and answer 200 with what would be deleted and kept'),
});

/** Grape's message when neither pattern is given. */
const MISSING_PATTERN = 'name_regex, name_regex_delete are missing, at least one parameter must be provided';

/** The bulk-delete parameters for core, checked. @throws ApiError 400 naming the first bad field */
function checkedParams(input: z.output<typeof bulkInput>): Record<string, string | number> {
  const { dry_run: _dryRun, ...fields } = input;
  const params = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
  if (input.name_regex_delete === undefined && input.name_regex === undefined) throw badParameter(MISSING_PATTERN);
  try {
    parseBulkDeleteParams(params);
  } catch (error) {
    if (!(error instanceof CleanupPolicyError)) throw error;
    const first = error.issues[0];
    throw badParameter(`${first?.field ?? error.field} is invalid: ${first?.message ?? error.message}`);
  }
  return params;
}

/** The bulk-delete route. */
export function bulkDeleteRoute(table: RouteTable, deps: ApiDeps): void {
  const running = new Set<string>();
  table.add({
    method: 'delete',
    path: '/projects/:id/registry/repositories/:repository_id/tags',
    operationId: 'deleteRegistryRepositoryTagsInBulk',
    tag: 'container_registry',
    summary: 'Delete tags in bulk by pattern, count and age',
    description:
      'Answers 202 and deletes in the background. `latest` and protected tags are never deleted. ' +
      'Needs the maintainer role. With `dry_run=true`, answers 200 with the plan and deletes nothing.',
    access: { auth: 'user', jobToken: true },
    input: bulkInput,
    response: { status: 202, description: 'The deletion has started' },
    errors: [400, 403, 404],
    handler: async (c, input) => {
      const state = c.get('state');
      const ref = await findProjectRepository(deps, state, registryProject(c), c.req.param('repository_id'));
      requireRegistryAdmin(state, c.get('caller'), ref.project);
      const params = checkedParams(input);
      const cleanup = deps.management.cleanup;
      if (input.dry_run) {
        const plan = await cleanup.bulkDelete(ref.name, params, { dryRun: true });
        return c.json({ dry_run: true, deleted: plan.deleted, kept: plan.kept });
      }
      if (running.has(ref.name)) throw badRequest('a bulk delete of this repository is still running; try again when it has finished');
      running.add(ref.name);
      const work = cleanup.bulkDelete(ref.name, params).finally(() => running.delete(ref.name));
      void deps.management.background
        .track(work)
        .catch((error: unknown) => console.error(`wharf API: bulk delete in ${ref.name} failed:`, error));
      return c.body(null, 202);
    },
  });
}
