/**
 * GitLab's container registry repositories: list a project's (`GET /projects/:id/registry/
 * repositories`), a group's (`GET /groups/:id/registry/repositories`, every project in the group
 * and its subgroups whose images the caller may read), one by id (`GET /registry/repositories/
 * :id`), and delete one (`DELETE /projects/:id/registry/repositories/:repository_id`: 202, the
 * deletion runs in the background as in GitLab; the repository's `status` says where it stands).
 *
 * Lists are in lexical order of the full name, with GitLab's offset pagination.
 * @module
 */
import { z } from 'zod';
import { findGroup } from '../auth/find.js';
import { type ApiDeps, registryHostOf } from '../deps.js';
import { boolParam } from '../http/input.js';
import { offsetPage, offsetParams, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentRepository } from '../presenters/registry.js';
import { registryContext } from './call-context.js';
import type { DeletionStatuses } from './deletion-statuses.js';
import { registryProject, requireRegistryAdmin } from './registry-access.js';
import {
  findProjectRepository,
  findReadableRepository,
  projectRepositories,
  readableRepositories,
  type RepositoryRef,
} from './repositories.js';
import { repositoryViews, type ViewOptions } from './repository-views.js';
import { repositorySchema } from './schemas.js';

const tagsFlag = boolParam.optional().describe("Include each repository's `tags` (name, path, location)");
const tagsCountFlag = boolParam.optional().describe("Include each repository's `tags_count`");

const projectListInput = z.object({ ...offsetParams, tags: tagsFlag, tags_count: tagsCountFlag });
const groupListInput = z.object({ ...offsetParams });
const oneInput = z.object({
  tags: tagsFlag,
  tags_count: tagsCountFlag,
  size: boolParam.optional().describe('Include `size`: the deduplicated bytes of every image in the repository'),
});

/** Routes for repositories. */
export function repositoryRoutes(table: RouteTable, deps: ApiDeps, deletions: DeletionStatuses): void {
  const page = async (c: ApiContext, refs: readonly RepositoryRef[], input: z.output<typeof groupListInput>, options: ViewOptions) => {
    const { items, headers } = offsetPage(refs, pageOf(input), new URL(c.req.url));
    const host = registryHostOf(deps, c.req.raw);
    const views = await repositoryViews(deps, items, options, deletions);
    return c.json(
      views.map((v) => presentRepository(v, host)),
      200,
      headers,
    );
  };

  table.add({
    method: 'get',
    path: '/projects/:id/registry/repositories',
    operationId: 'listProjectRegistryRepositories',
    tag: 'container_registry',
    summary: "List a project's container registry repositories",
    description: 'Empty for a project whose container registry is turned off.',
    access: { auth: 'public', jobToken: true },
    input: projectListInput,
    response: { status: 200, description: 'The repositories', schema: z.array(repositorySchema), paginated: 'offset' },
    errors: [403, 404],
    handler: async (c, input) => {
      const project = registryProject(c);
      const refs = await projectRepositories(deps, c.get('state'), project);
      return page(c, refs, input, { tags: input.tags, tagsCount: input.tags_count });
    },
  });

  table.add({
    method: 'get',
    path: '/groups/:id/registry/repositories',
    operationId: 'listGroupRegistryRepositories',
    tag: 'container_registry',
    summary: 'List the container registry repositories of every project in a group and its subgroups',
    description: 'Only the projects whose images the caller may read. As in GitLab (since 15.0), without `tags` and `tags_count`.',
    access: { auth: 'public' },
    input: groupListInput,
    response: { status: 200, description: 'The repositories', schema: z.array(repositorySchema), paginated: 'offset' },
    errors: [404],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      return page(c, await readableRepositories(deps, state, caller, group.path), input, {});
    },
  });

  table.add({
    method: 'get',
    path: '/registry/repositories/:id',
    operationId: 'getRegistryRepository',
    tag: 'container_registry',
    summary: 'One container registry repository, by id',
    access: { auth: 'public', jobToken: true },
    input: oneInput,
    response: { status: 200, description: 'The repository', schema: repositorySchema },
    errors: [404],
    handler: async (c, input) => {
      const ref = await findReadableRepository(deps, c.get('state'), c.get('caller'), c.req.param('id'));
      const [view] = await repositoryViews(deps, [ref], { tags: input.tags, tagsCount: input.tags_count, size: input.size }, deletions);
      if (!view) throw new Error('a view per repository');
      return c.json(presentRepository(view, registryHostOf(deps, c.req.raw)));
    },
  });

  table.add({
    method: 'delete',
    path: '/projects/:id/registry/repositories/:repository_id',
    operationId: 'deleteRegistryRepository',
    tag: 'container_registry',
    summary: 'Delete a repository with all its tags, in the background',
    description:
      'Answers 202 at once; the repository shows `status: delete_scheduled` / `delete_ongoing` until it is gone. ' +
      'Refused as a whole (403) when tag protection keeps one of its tags from the caller. Needs the maintainer role.',
    access: { auth: 'user', jobToken: true },
    response: { status: 202, description: 'The deletion has started' },
    errors: [403, 404],
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = registryProject(c);
      const ref = await findProjectRepository(deps, state, project, c.req.param('repository_id'));
      requireRegistryAdmin(state, caller, project);
      const { job } = await deps.management.deleteRepository(ref.name, registryContext(caller));
      deletions.started(ref.name, job.id);
      return c.body(null, 202);
    },
  });
}
