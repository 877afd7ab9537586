/**
 * `PUT /projects/:id/transfer`: move a project to another group, as GitLab's API does it
 * (`namespace`: the group's id or full path), with GitLab's prerequisites — the owner role on
 * the project and at least maintainer on the group it goes to. Unlike GitLab, a project with
 * images may move: its images go with it (move-project.ts).
 * @module
 */
import { z } from 'zod';
import { findGroup, findProject } from '../auth/find.js';
import { requireGroupLevel, requireProjectLevel } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { intParam } from '../http/input.js';
import type { RouteTable } from '../http/route-table.js';
import { registryContext } from '../registry/call-context.js';
import { moveProjectWithImages } from './move-project.js';
import { projectJson } from './project-routes.js';

const transferInput = z.object({
  namespace: z.union([intParam, z.string().min(1).max(1024)]).describe('The id or full path of the group to move the project to'),
});

export function transferRoute(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'put',
    path: '/projects/:id/transfer',
    operationId: 'transferProject',
    tag: 'projects',
    summary: 'Move a project, with its container images, to another group',
    description:
      'GitLab refuses this for a project with images; Wharf moves them with the project. Refused (409) when an image cannot move now, e.g. during a garbage collection; nothing has moved then.',
    access: { auth: 'user' },
    input: transferInput,
    response: { status: 200, description: 'The project at its new path' },
    errors: [409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = findProject(state, caller, c.req.param('id') ?? '');
      requireProjectLevel(state, caller, project, 'owner');
      const group = findGroup(state, caller, String(input.namespace));
      requireGroupLevel(state, caller, group, 'maintainer');
      const segment = project.path.slice(project.path.lastIndexOf('/') + 1);
      const { project: moved } = await moveProjectWithImages(deps, project, `${group.path}/${segment}`, 'transfer', registryContext(caller));
      c.set('state', await deps.store.state());
      return c.json(await projectJson(deps, c, moved));
    },
  });
}
