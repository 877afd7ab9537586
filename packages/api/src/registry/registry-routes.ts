/**
 * GitLab REST v4: the container registry API (GitLab's doc/api/container_registry.md) over
 * core's registry management, and Wharf's extras in the same style under the same prefixes —
 * everything the old management API (`/api/v1`) offered: renames, storage usage, cleanup policy
 * runs and garbage collection. One module per concern:
 *
 * | module | endpoints |
 * |---|---|
 * | repository-routes.ts | list a project's or group's repositories, one by id, delete one |
 * | tag-routes.ts | list tags, one tag, delete one tag |
 * | bulk-delete-route.ts | delete tags in bulk (`name_regex_delete`, `keep_n`, `older_than`…) |
 * | rename-route.ts | rename a repository within its project |
 * | usage-routes.ts | deduplicated storage of a project or group |
 * | cleanup-routes.ts | run or dry-run a project's cleanup policy, its runs |
 * | gc-routes.ts | garbage collection (administrators) |
 *
 * Access (registry-access.ts) is the access model's, as on `/v2`; every delete passes the
 * caller to core as principal (call-context.ts) so tag protection judges the same caller it
 * would judge on `/v2`.
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';
import { bulkDeleteRoute } from './bulk-delete-route.js';
import { cleanupRoutes } from './cleanup-routes.js';
import { DeletionStatuses } from './deletion-statuses.js';
import { gcRoutes } from './gc-routes.js';
import { renameRoute } from './rename-route.js';
import { repositoryRoutes } from './repository-routes.js';
import { tagRoutes } from './tag-routes.js';
import { usageRoutes } from './usage-routes.js';

/** Declare the container registry endpoints. */
export function registryRoutes(table: RouteTable, deps: ApiDeps): void {
  const deletions = new DeletionStatuses(deps.management);
  repositoryRoutes(table, deps, deletions);
  tagRoutes(table, deps);
  bulkDeleteRoute(table, deps);
  renameRoute(table, deps, deletions);
  usageRoutes(table, deps);
  cleanupRoutes(table, deps);
  gcRoutes(table, deps);
}
