/**
 * Wharf's extra: rename a repository within its project (`POST /projects/:id/registry/
 * repositories/:repository_id/rename` with `name`, the new path below the project; `''` makes
 * it the project's own image). GitLab cannot rename an image (one pushes it again under the
 * new name and deletes the old); Wharf moves its files, and pulls by the new name work as soon as
 * the answer comes. The images stay in their project, so nobody gains or loses access by it;
 * moving images to another project is the project transfer's business. The repository gets a
 * new id (ids derive from names, see repository-ids.ts): the answer carries it.
 * @module
 */
import { z } from 'zod';
import { type ApiDeps, registryHostOf } from '../deps.js';
import { badRequest } from '../http/api-error.js';
import type { RouteTable } from '../http/route-table.js';
import { presentRepository } from '../presenters/registry.js';
import { registryContext } from './call-context.js';
import type { DeletionStatuses } from './deletion-statuses.js';
import { registryProject, requireRegistryAdmin } from './registry-access.js';
import { findProjectRepository, refOf } from './repositories.js';
import { repositoryViews } from './repository-views.js';
import { repositorySchema } from './schemas.js';

const renameInput = z.object({
  name: z.string().max(255).describe("The new path below the project (`api/v2`); `''` for the project's own image"),
});

/** The rename route. */
export function renameRoute(table: RouteTable, deps: ApiDeps, deletions: DeletionStatuses): void {
  table.add({
    method: 'post',
    path: '/projects/:id/registry/repositories/:repository_id/rename',
    operationId: 'renameRegistryRepository',
    tag: 'container_registry',
    summary: 'Rename a repository within its project (Wharf)',
    description: 'Moves its images; 409 when the new name is taken. Needs the maintainer role.',
    access: { auth: 'user' },
    input: renameInput,
    response: { status: 200, description: 'The repository under its new name, with its new id', schema: repositorySchema },
    errors: [400, 403, 404, 409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = registryProject(c);
      const ref = await findProjectRepository(deps, state, project, c.req.param('repository_id'));
      requireRegistryAdmin(state, caller, project);
      const name = input.name.replace(/^\/+|\/+$/g, '');
      const target = name === '' ? project.path : `${project.path}/${name}`;
      const resolved = refOf(state, target);
      if (!resolved || resolved.project.id !== project.id)
        throw badRequest(
          `${JSON.stringify(target.slice(0, 300))} is not an image name of project ${project.path}: images are named <project path>[/a[/b[/c]]] with lowercase letters, digits and separators`,
        );
      await deps.management.renameRepository(ref.name, target, registryContext(caller));
      const [view] = await repositoryViews(deps, [resolved], { tagsCount: true }, deletions);
      if (!view) throw new Error('a view per repository');
      return c.json(presentRepository(view, registryHostOf(deps, c.req.raw)));
    },
  });
}
