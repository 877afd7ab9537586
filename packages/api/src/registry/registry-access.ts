/**
 * Who may do what through the container registry API, by GitLab's permission names:
 *
 * - `read_container_image` (list and read repositories and tags): the access model's `pull` —
 *   reporters and up, anyone for a public project's registry, a job where its user may pull;
 * - deleting — one tag (`destroy_container_image`), a repository, tags in bulk, a rename
 *   (`admin_container_image`): the access model's `delete` (maintainers, and a job in its own
 *   project where its user may push — the rule for the guide's `delete_image` job). GitLab lets
 *   developers delete single tags; Wharf's access model gives `delete` to maintainers, and one
 *   rule for `/v2`, the page and this API matters more than that difference: a developer whom
 *   `docker`/`skopeo` are refused a delete is refused it here too.
 *
 * A project the caller cannot see is 404 (find.ts); a visible project whose images the caller
 * may not read is 403, as GitLab's `authorize!` answers. A project whose registry is turned off
 * passes the read check and then simply has no repositories (repositories.ts).
 * @module
 */
import { type AccessState, type ProjectRecord, registryEnabled } from '@wharf/access';
import type { Caller } from '../auth/caller.js';
import { findProject } from '../auth/find.js';
import { registryActions } from '../auth/rights.js';
import { forbidden } from '../http/api-error.js';
import type { ApiContext } from '../http/route-table.js';

/**
 * The project the route's `:id` names, if the caller may read its images.
 * @throws ApiError 404 `Project Not Found`, 403 without `read_container_image`
 */
export function registryProject(c: ApiContext): ProjectRecord {
  const state = c.get('state');
  const caller = c.get('caller');
  const project = findProject(state, caller, c.req.param('id') ?? '');
  if (registryEnabled(project) && !registryActions(state, caller, project).has('pull')) throw forbidden();
  return project;
}

/** @throws ApiError 403 unless the caller may delete the project's tags and repositories */
export function requireRegistryAdmin(state: AccessState, caller: Caller, project: ProjectRecord): void {
  if (!registryActions(state, caller, project).has('delete')) throw forbidden();
}
