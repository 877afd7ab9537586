/**
 * Projects: `GET /projects`, `GET /projects/:id`, `POST /projects`, `PUT /projects/:id`,
 * `DELETE /projects/:id`, as GitLab's API has them — with the container registry settings the
 * user guide automates: `container_expiration_policy_attributes` (the cleanup policy, saved in
 * the registry) and `container_registry_access_level` (`enabled`, `private`, `disabled`).
 *
 * Who may do what (GitLab's table): anyone may read the projects they can see; creating a
 * project needs the maintainer role (or owner) in its group, or an administrator; editing
 * settings needs maintainer; changing visibility needs owner; deleting needs owner.
 * @module
 */
import { type AccessState, CONTAINER_REGISTRY_ACCESS_LEVELS, type ProjectRecord, VISIBILITIES } from '@wharf/access';
import { CleanupPolicyError, scheduleOf } from '@wharf/core';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { findGroup, findProject } from '../auth/find.js';
import { canSeeProject, levelAtLeast, projectLevel, requireGroupLevel, requireProjectLevel } from '../auth/rights.js';
import { type ApiDeps, originOf, registryHostOf } from '../deps.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { boolParam, intParam } from '../http/input.js';
import { decodeCursor, encodeCursor, keysetHeaders, keysetParams, offsetPage, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentProject, type Urls } from '../presenters/namespaces.js';
import { moveProjectWithImages } from './move-project.js';
import { projectRepositories } from './project-repositories.js';
import { registryContext } from '../registry/call-context.js';

/** The cleanup policy fields GitLab takes inside `container_expiration_policy_attributes`. */
export const expirationPolicyAttributes = z
  .object({
    cadence: z.string().optional(),
    enabled: boolParam.optional(),
    keep_n: z.union([intParam, z.null()]).optional(),
    older_than: z.string().nullable().optional(),
    name_regex: z.string().nullable().optional(),
    name_regex_delete: z.string().nullable().optional(),
    name_regex_keep: z.string().nullable().optional(),
  })
  .describe("The project's cleanup policy (GitLab's container expiration policy); only the fields given change");

const registryLevel = z.enum([...CONTAINER_REGISTRY_ACCESS_LEVELS]);

const projectFields = {
  visibility: z.enum(VISIBILITIES).optional(),
  container_registry_access_level: registryLevel.optional(),
  container_registry_enabled: boolParam.optional().describe('Deprecated in GitLab: use container_registry_access_level'),
  container_expiration_policy_attributes: expirationPolicyAttributes.optional(),
};

const editInput = z.object({
  ...projectFields,
  name: z.string().max(255).optional().describe('Must equal the last segment of the path (Wharf has no display names)'),
  path: z.string().max(255).optional().describe('A new last path segment: the project moves, and its images with it (GitLab refuses this for a project with images)'),
});

const createInput = z.object({
  ...projectFields,
  name: z.string().min(1).max(255).optional(),
  path: z.string().min(1).max(255).optional(),
  namespace_id: z.union([intParam, z.string().min(1).max(1024)]).optional().describe('The group (id or full path) the project goes in'),
});

const listInput = z.object({
  ...keysetParams,
  search: z.string().max(255).optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  membership: boolParam.optional(),
  owned: boolParam.optional(),
  min_access_level: intParam.optional(),
  order_by: z.enum(['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at']).optional(),
  sort: z.enum(['asc', 'desc']).optional(),
  simple: boolParam.optional(),
});

const ACCESS_LEVEL_ROLES = { 10: 'guest', 20: 'reporter', 30: 'developer', 40: 'maintainer', 50: 'owner' } as const;

function urlsOf(deps: ApiDeps, c: ApiContext): Urls {
  return { origin: originOf(deps, c.req.raw), registryHost: registryHostOf(deps, c.req.raw) };
}

/** The project as JSON, with its cleanup policy read from the registry. */
export async function projectJson(deps: ApiDeps, c: ApiContext, project: ProjectRecord) {
  const policies = deps.management.cleanup.policies;
  const policy = await policies.get(project.path);
  const nextRunAt = policy ? scheduleOf(policy, await policies.state(project.path)).nextRunAt.toISOString() : null;
  return presentProject(c.get('state'), project, urlsOf(deps, c), { policy, nextRunAt });
}

/** GitLab's `container_registry_enabled` and `container_registry_access_level`, reconciled. */
function requestedLevel(input: { container_registry_access_level?: string | undefined; container_registry_enabled?: boolean | undefined }) {
  const fromFlag = input.container_registry_enabled === undefined ? undefined : input.container_registry_enabled ? 'enabled' : 'disabled';
  const level = input.container_registry_access_level ?? fromFlag;
  return level as z.output<typeof registryLevel> | undefined;
}

/** Save the cleanup policy part of a create or edit. @throws ApiError 400 naming the invalid field */
async function saveExpirationPolicy(deps: ApiDeps, project: ProjectRecord, attributes: z.output<typeof expirationPolicyAttributes>) {
  const input = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
  try {
    await deps.management.cleanup.policies.save(project.path, input);
  } catch (error) {
    if (error instanceof CleanupPolicyError) throw badRequest(`container_expiration_policy_attributes: ${error.message}`);
    throw error;
  }
}

function sortProjects(projects: ProjectRecord[], orderBy: string, sort: 'asc' | 'desc'): ProjectRecord[] {
  const key: (p: ProjectRecord) => string | number =
    orderBy === 'id' ? (p) => p.number : orderBy === 'name' || orderBy === 'path' ? (p) => p.path.slice(p.path.lastIndexOf('/') + 1) : (p) => p.createdAt;
  const sign = sort === 'asc' ? 1 : -1;
  return projects.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign || (a.number - b.number) * sign;
  });
}

function listed(state: AccessState, caller: Caller, input: z.output<typeof listInput>): ProjectRecord[] {
  const minimum = input.min_access_level === undefined ? undefined : ACCESS_LEVEL_ROLES[input.min_access_level as keyof typeof ACCESS_LEVEL_ROLES];
  if (input.min_access_level !== undefined && !minimum) throw new ApiError(400, 'min_access_level is invalid', {}, true);
  const search = input.search?.toLowerCase();
  return [...state.document.projects.values()].filter((project) => {
    if (!canSeeProject(state, caller, project)) return false;
    if (input.visibility && project.visibility !== input.visibility) return false;
    if (search && !project.path.toLowerCase().includes(search)) return false;
    const level = projectLevel(state, caller, project);
    const memberLevel = level === 'admin' && caller.kind !== 'anonymous' ? null : level;
    if (input.membership && memberLevel === null) return false;
    if (input.owned && !levelAtLeast(memberLevel, 'owner')) return false;
    if (minimum && !levelAtLeast(memberLevel ?? (level === 'admin' ? 'owner' : null), minimum)) return false;
    return true;
  });
}

/**
 * A project whose images hold protected or immutable tags is not deleted: its images would have
 * to go with it, and the rules say they may not (GitLab refuses too). Nothing is deleted then.
 * @throws ApiError 400 naming a repository and its protected tags
 */
async function refuseProtectedImages(deps: ApiDeps, repositories: readonly string[]): Promise<void> {
  const protection = deps.management.api.tagProtection;
  if (!protection) return;
  for (const repository of repositories) {
    const tags = await deps.management.api.manifests.tags(repository).catch(() => [] as string[]);
    const kept = [...(await protection.protectedTags(repository, tags))];
    if (kept.length > 0) {
      const listed = kept.slice(0, 5).join(', ') + (kept.length > 5 ? ', …' : '');
      throw badRequest(
        `the project cannot be deleted: the repository ${repository} has protected or immutable tags (${listed}); delete the tag protection rules or those tags first`,
      );
    }
  }
}

export function projectRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/projects',
    operationId: 'listProjects',
    tag: 'projects',
    summary: 'List the projects the caller can see',
    description: 'Offset pagination, or keyset pagination with `pagination=keyset` and `order_by=id`.',
    access: { auth: 'public' },
    input: listInput,
    response: { status: 200, description: 'The projects', paginated: 'keyset' },
    handler: async (c, input) => {
      const state = c.get('state');
      const url = new URL(c.req.url);
      const orderBy = input.order_by ?? (input.pagination === 'keyset' ? 'id' : 'created_at');
      const sort = input.sort ?? 'desc';
      const projects = sortProjects(listed(state, c.get('caller'), input), orderBy, sort);
      if (input.pagination === 'keyset') {
        if (orderBy !== 'id') throw new ApiError(400, '400 Bad request - keyset pagination sorts by id only (order_by=id)');
        const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
        if (input.cursor !== undefined && typeof after !== 'number') throw new ApiError(400, 'cursor is invalid', {}, true);
        const { perPage } = pageOf(input);
        const rest = typeof after === 'number' ? projects.filter((p) => (sort === 'asc' ? p.number > after : p.number < after)) : projects;
        const page = rest.slice(0, perPage);
        const last = page.at(-1);
        const next = rest.length > perPage && last ? encodeCursor(last.number) : null;
        return c.json(await Promise.all(page.map((p) => projectJson(deps, c, p))), 200, keysetHeaders(next, perPage, url));
      }
      const { items, headers } = offsetPage(projects, pageOf(input), url);
      return c.json(await Promise.all(items.map((p) => projectJson(deps, c, p))), 200, headers);
    },
  });

  table.add({
    method: 'get',
    path: '/projects/:id',
    operationId: 'getProject',
    tag: 'projects',
    summary: 'One project, with its container registry settings',
    access: { auth: 'public', jobToken: true },
    response: { status: 200, description: 'The project' },
    handler: async (c) => c.json(await projectJson(deps, c, findProject(c.get('state'), c.get('caller'), c.req.param('id') ?? ''))),
  });

  table.add({
    method: 'post',
    path: '/projects',
    operationId: 'createProject',
    tag: 'projects',
    summary: 'Create a project in a group',
    description: 'Wharf has no personal namespaces: `namespace_id` is required. `path` defaults to `name`.',
    access: { auth: 'user' },
    input: createInput,
    response: { status: 201, description: 'The new project' },
    errors: [409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const segment = input.path ?? input.name;
      if (!segment) throw new ApiError(400, 'name or path is missing', {}, true);
      if (input.namespace_id === undefined) throw badRequest('namespace_id is required: projects live in groups in Wharf');
      const group = findGroup(state, caller, String(input.namespace_id));
      requireGroupLevel(state, caller, group, 'maintainer');
      if (input.name !== undefined && input.path !== undefined && input.name !== input.path)
        throw badRequest('name must equal path: Wharf has no display names');
      const created = await deps.store.createProject({ path: `${group.path}/${segment}`, ...(input.visibility ? { visibility: input.visibility } : {}) });
      const level = requestedLevel(input);
      const project = level && level !== 'enabled' ? await deps.store.setProjectRegistryAccessLevel(created.id, level) : created;
      if (input.container_expiration_policy_attributes) await saveExpirationPolicy(deps, project, input.container_expiration_policy_attributes);
      c.set('state', await deps.store.state());
      return c.json(await projectJson(deps, c, project), 201);
    },
  });

  table.add({
    method: 'put',
    path: '/projects/:id',
    operationId: 'editProject',
    tag: 'projects',
    summary: "Edit a project's settings: container registry access level, cleanup policy, visibility",
    access: { auth: 'user' },
    input: editInput,
    response: { status: 200, description: 'The project as it is now' },
    errors: [409],
    handler: async (c, input) => {
      const state = c.get('state');
      const caller = c.get('caller');
      let project = findProject(state, caller, c.req.param('id') ?? '');
      requireProjectLevel(state, caller, project, 'maintainer');
      const level = requestedLevel(input);
      if (input.container_registry_access_level !== undefined && input.container_registry_enabled !== undefined && level !== input.container_registry_access_level)
        throw badRequest('container_registry_access_level and container_registry_enabled disagree; give one');
      const segment = project.path.slice(project.path.lastIndexOf('/') + 1);
      if (input.name !== undefined && input.name !== segment && input.name !== input.path)
        throw badRequest('name must equal the path: Wharf has no display names');
      const newPath = input.path !== undefined && input.path !== segment ? `${project.path.slice(0, project.path.lastIndexOf('/'))}/${input.path}` : null;
      if (input.visibility !== undefined || newPath !== null) requireProjectLevel(state, caller, project, 'owner');
      // The path first: the settings below then apply to the project where it now is.
      if (newPath !== null) project = (await moveProjectWithImages(deps, project, newPath, 'path', registryContext(caller))).project;
      if (input.container_expiration_policy_attributes) await saveExpirationPolicy(deps, project, input.container_expiration_policy_attributes);
      if (input.visibility !== undefined && input.visibility !== project.visibility)
        project = await deps.store.setProjectVisibility(project.id, input.visibility);
      if (level !== undefined && level !== (project.containerRegistryAccessLevel ?? 'enabled'))
        project = await deps.store.setProjectRegistryAccessLevel(project.id, level);
      c.set('state', await deps.store.state());
      return c.json(await projectJson(deps, c, project));
    },
  });

  table.add({
    method: 'delete',
    path: '/projects/:id',
    operationId: 'deleteProject',
    tag: 'projects',
    summary: 'Delete a project and its container images',
    description: 'Answers 202 at once; the images are deleted in the background, as in GitLab.',
    access: { auth: 'user' },
    response: { status: 202, description: '`{"message":"202 Accepted"}`' },
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const project = findProject(state, caller, c.req.param('id') ?? '');
      requireProjectLevel(state, caller, project, 'owner');
      const names = await projectRepositories(deps.management, project.path);
      await refuseProtectedImages(deps, names);
      await deps.store.deleteProject(project.id);
      for (const name of names) await deps.management.deleteRepository(name, registryContext(caller)).catch(() => {});
      await deps.management.cleanup.policies.delete(project.path).catch(() => false);
      return c.json({ message: '202 Accepted' }, 202);
    },
  });
}
