/**
 * GitLab REST v4 groups: `GET /groups`, `GET /groups/:id` (with its projects), `POST /groups`,
 * `PUT /groups/:id`, `DELETE /groups/:id`, `GET /groups/:id/subgroups` and
 * `GET /groups/:id/projects`, as GitLab's Groups API has them.
 *
 * Who may do what: anyone may read the groups they can see (a private group is 404 to
 * outsiders); a subgroup is created by a maintainer or owner of its parent (GitLab's default
 * `subgroup_creation_level`), a top-level group by an administrator (Wharf has no "can create
 * group" user setting); the creator becomes the new group's owner, as in GitLab. Editing and
 * deleting need the owner role.
 *
 * Where the access model differs from GitLab the request is refused, never half-done: a group
 * cannot be renamed or moved (no such operation in the model), a group with subgroups or
 * projects is not deleted (GitLab would delete everything inside; Wharf asks for it to be
 * emptied first), and `name` must equal `path` (Wharf keeps no display names).
 * @module
 */
import { type GroupRecord, isAccessError, VISIBILITIES } from '@wharf/access';
import { z } from 'zod';
import { findGroup } from '../auth/find.js';
import { requireGroupLevel } from '../auth/rights.js';
import { type ApiDeps, originOf, registryHostOf } from '../deps.js';
import { badParameter, badRequest, forbidden } from '../http/api-error.js';
import { boolParam, intParam } from '../http/input.js';
import { keysetHeaders, offsetPage, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentGroup } from '../presenters/namespaces.js';
import { projectJson } from '../projects/project-routes.js';
import { type GroupListInput, groupListInput, keysetGroupPage, listedGroups, sortGroups } from './group-list.js';
import { groupProjects, groupProjectsInput } from './group-projects.js';

/** GitLab lists at most this many projects inside `GET /groups/:id`. */
const GROUP_PROJECTS_SHOWN = 100;

const segmentParam = z.string().min(1).max(255);

const createInput = z.object({
  name: segmentParam.optional().describe('Must equal `path` (Wharf has no display names)'),
  path: segmentParam.optional().describe("The last segment of the new group's path; defaults to `name`"),
  parent_id: z.union([intParam, z.null()]).optional().describe('The parent group, for a subgroup'),
  visibility: z.enum(VISIBILITIES).optional().describe('Default `private`'),
});

const editInput = z.object({
  name: segmentParam.optional().describe('Must equal the current path (Wharf has no display names)'),
  path: segmentParam.optional().describe('Must equal the current path (a group cannot be renamed in Wharf)'),
  visibility: z.enum(VISIBILITIES).optional(),
});

const showInput = z.object({
  with_projects: boolParam.optional().describe("Include the group's projects (default true)"),
});

const lastSegment = (group: GroupRecord) => group.path.slice(group.path.lastIndexOf('/') + 1);

/** The group as GitLab's JSON. */
function groupJson(deps: ApiDeps, c: ApiContext, group: GroupRecord) {
  return presentGroup(c.get('state'), group, { origin: originOf(deps, c.req.raw), registryHost: registryHostOf(deps, c.req.raw) });
}

/**
 * Run a change of the access model, answering its refusals as GitLab answers a group that
 * fails to save: 400 with the reason.
 */
async function saving<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (error) {
    if (isAccessError(error) && (error.code === 'CONFLICT' || error.code === 'INVALID')) throw badRequest(error.message);
    throw error;
  }
}

/** A list of groups, as one page (offset, or keyset with `pagination=keyset`). */
function listResponse(deps: ApiDeps, c: ApiContext, groups: GroupRecord[], input: GroupListInput): Response {
  const sorted = sortGroups(groups, input);
  const url = new URL(c.req.url);
  if (input.pagination === 'keyset') {
    const { perPage } = pageOf(input);
    const { page, next } = keysetGroupPage(sorted, input, perPage);
    return c.json(
      page.map((g) => groupJson(deps, c, g)),
      200,
      keysetHeaders(next, perPage, url),
    );
  }
  const { items, headers } = offsetPage(sorted, pageOf(input), url);
  return c.json(
    items.map((g) => groupJson(deps, c, g)),
    200,
    headers,
  );
}

/** @throws ApiError 400 when `name` or `path` asks for a rename, which the model cannot do */
function refuseRename(group: GroupRecord, input: z.output<typeof editInput>): void {
  const segment = lastSegment(group);
  if (input.path !== undefined && input.path !== segment)
    throw badRequest(`a group cannot be renamed or moved in Wharf: the path of "${group.path}" stays "${segment}"`);
  if (input.name !== undefined && input.name !== segment) throw badRequest('name must equal the path: Wharf has no display names');
}

function readRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/groups',
    operationId: 'listGroups',
    tag: 'groups',
    summary: "List groups: the caller's own, or every group they can see",
    description: 'Offset pagination, or keyset pagination with `pagination=keyset` (`order_by=name`, `sort=asc`).',
    access: { auth: 'public' },
    input: groupListInput,
    response: { status: 200, description: 'The groups', paginated: 'keyset' },
    handler: (c, input) => listResponse(deps, c, listedGroups(c.get('state'), c.get('caller'), input), input),
  });

  table.add({
    method: 'get',
    path: '/groups/:id/subgroups',
    operationId: 'listSubgroups',
    tag: 'groups',
    summary: 'List the direct subgroups of a group',
    access: { auth: 'public' },
    input: groupListInput,
    response: { status: 200, description: 'The subgroups', paginated: 'keyset' },
    handler: (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const parent = findGroup(state, caller, c.req.param('id') ?? '');
      return listResponse(deps, c, listedGroups(state, caller, input, parent), input);
    },
  });

  table.add({
    method: 'get',
    path: '/groups/:id/projects',
    operationId: 'listGroupProjects',
    tag: 'groups',
    summary: 'List the projects of a group',
    access: { auth: 'public' },
    input: groupProjectsInput,
    response: { status: 200, description: 'The projects', paginated: 'offset' },
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      const { items, headers } = offsetPage(groupProjects(state, caller, group, input), pageOf(input), new URL(c.req.url));
      return c.json(await Promise.all(items.map((p) => projectJson(deps, c, p))), 200, headers);
    },
  });

  table.add({
    method: 'get',
    path: '/groups/:id',
    operationId: 'getGroup',
    tag: 'groups',
    summary: 'One group, with its projects',
    description: `The group's projects the caller can see (at most ${GROUP_PROJECTS_SHOWN}, as GitLab) unless \`with_projects=false\`.`,
    access: { auth: 'public' },
    input: showInput,
    response: { status: 200, description: 'The group' },
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      if (input.with_projects === false) return c.json(groupJson(deps, c, group));
      const projects = groupProjects(state, caller, group, {}).slice(0, GROUP_PROJECTS_SHOWN);
      return c.json({
        ...groupJson(deps, c, group),
        projects: await Promise.all(projects.map((p) => projectJson(deps, c, p))),
        shared_projects: [],
      });
    },
  });
}

function writeRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'post',
    path: '/groups',
    operationId: 'createGroup',
    tag: 'groups',
    summary: 'Create a group or a subgroup',
    description:
      'A subgroup needs the maintainer role in its parent; a top-level group needs an administrator. The creator becomes its owner.',
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The new group' },
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      if (caller.kind === 'anonymous') throw forbidden();
      const segment = input.path ?? input.name;
      if (segment === undefined) throw badParameter('path is missing');
      if (segment.includes('/')) throw badParameter('path is invalid: give one path segment, and parent_id for a subgroup');
      if (input.name !== undefined && input.path !== undefined && input.name !== input.path)
        throw badRequest('name must equal path: Wharf has no display names');
      let fullPath = segment;
      if (input.parent_id !== undefined && input.parent_id !== null) {
        const parent = findGroup(state, caller, String(input.parent_id));
        requireGroupLevel(state, caller, parent, 'maintainer');
        fullPath = `${parent.path}/${segment}`;
      } else if (!caller.user.admin) {
        throw forbidden('only an administrator may create a top-level group');
      }
      const group = await saving(deps.store.createGroup({ path: fullPath, ...(input.visibility ? { visibility: input.visibility } : {}) }));
      await deps.store.addMember({ group: group.id, user: caller.user.id, role: 'owner' });
      c.set('state', await deps.store.state());
      return c.json(groupJson(deps, c, group), 201);
    },
  });

  table.add({
    method: 'put',
    path: '/groups/:id',
    operationId: 'editGroup',
    tag: 'groups',
    summary: "Change a group's visibility",
    description: 'Needs the owner role. A group cannot be renamed or moved in Wharf; `name` and `path` may only repeat the current path.',
    access: { auth: 'user' },
    input: editInput,
    response: { status: 200, description: 'The group as it is now' },
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      let group = findGroup(state, caller, c.req.param('id') ?? '');
      requireGroupLevel(state, caller, group, 'owner');
      refuseRename(group, input);
      if (input.visibility !== undefined && input.visibility !== group.visibility)
        group = await saving(deps.store.setGroupVisibility(group.id, input.visibility));
      c.set('state', await deps.store.state());
      return c.json(groupJson(deps, c, group));
    },
  });

  table.add({
    method: 'delete',
    path: '/groups/:id',
    operationId: 'deleteGroup',
    tag: 'groups',
    summary: 'Delete an empty group',
    description: 'Needs the owner role. Answers 202 as GitLab. A group with subgroups or projects is refused (400): empty it first.',
    access: { auth: 'user' },
    response: { status: 202, description: '`{"message":"202 Accepted"}`' },
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      requireGroupLevel(state, caller, group, 'owner');
      await saving(deps.store.deleteGroup(group.id));
      return c.json({ message: '202 Accepted' }, 202);
    },
  });
}

/** The groups routes. */
export function groupRoutes(table: RouteTable, deps: ApiDeps): void {
  readRoutes(table, deps);
  writeRoutes(table, deps);
}
