/**
 * `/groups`, `/projects` and their members. Ids are ulids or, as in GitLab, URL-encoded full
 * paths (`/projects/team%2Fapp`). Administrators only, except `PUT /projects/:id` (GitLab's
 * "edit project"), where a project's maintainers and owners may turn its container registry
 * off and on (`container_registry_access_level`); a project they cannot see answers 404.
 * @module
 */
import { AccessError, quoteRef } from '../model/access-error.js';
import type { AccessStore, TargetSelector } from '../store/access-store.js';
import { describeNamespaceForUser } from '../auth/namespace-view.js';
import { addMemberBody, createGroupBody, createProjectBody, editProjectBody, registryLevelOf, roleOf, updateMemberBody, visibilityBody } from './bodies.js';
import { type AdminApp, type AdminContext, ApiError, readBody, requireAdmin } from './context.js';
import { presentGroup, presentMember, presentProject } from './presenters.js';

type Kind = 'groups' | 'projects';

const selector = (kind: Kind, ref: string): TargetSelector => (kind === 'groups' ? { group: ref } : { project: ref });

function memberRoutes(app: AdminApp, store: AccessStore, kind: Kind): void {
  app.get(`/${kind}/:id/members`, async (c) => {
    requireAdmin(c);
    return c.json((await store.listMembers(selector(kind, c.req.param('id')))).map(presentMember));
  });

  app.post(`/${kind}/:id/members`, async (c) => {
    requireAdmin(c);
    const body = await readBody(c, addMemberBody);
    const user = body.user ?? body.user_id ?? body.username;
    const role = roleOf(body);
    if (user === undefined) throw new ApiError(400, 'name the user: "user" (id or username), "user_id" or "username"');
    if (role === null)
      throw new ApiError(400, 'give a "role" (guest, reporter, developer, maintainer, owner) or an "access_level" (10–50)');
    await store.addMember({ ...selector(kind, c.req.param('id')), user, role });
    const members = await store.listMembers(selector(kind, c.req.param('id')));
    const added = await store.getUser(user);
    return c.json(presentMember(members.find((m) => m.userId === added.id) ?? members[0]!), 201);
  });

  app.put(`/${kind}/:id/members/:user`, async (c) => {
    requireAdmin(c);
    const role = roleOf(await readBody(c, updateMemberBody));
    if (role === null) throw new ApiError(400, 'give a "role" or an "access_level"');
    const member = await store.setMemberRole({ ...selector(kind, c.req.param('id')), user: c.req.param('user'), role });
    const listed = (await store.listMembers(selector(kind, c.req.param('id')))).find((m) => m.userId === member.userId);
    if (!listed) throw new AccessError('NOT_FOUND', 'the membership vanished');
    return c.json(presentMember(listed));
  });

  app.delete(`/${kind}/:id/members/:user`, async (c) => {
    requireAdmin(c);
    await store.removeMember({ ...selector(kind, c.req.param('id')), user: c.req.param('user') });
    return c.body(null, 204);
  });
}

export function namespaceRoutes(app: AdminApp, store: AccessStore): void {
  app.post('/groups', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, createGroupBody);
    const path = body.parent_id === undefined ? body.path : `${(await store.getGroup(body.parent_id)).path}/${body.path}`;
    return c.json(presentGroup(await store.createGroup({ path, visibility: body.visibility })), 201);
  });
  app.get('/groups', async (c) => {
    requireAdmin(c);
    return c.json((await store.listGroups()).map(presentGroup));
  });
  app.get('/groups/:id', async (c) => {
    requireAdmin(c);
    return c.json(presentGroup(await store.getGroup(c.req.param('id'))));
  });
  app.patch('/groups/:id', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, visibilityBody);
    return c.json(presentGroup(await store.setGroupVisibility(c.req.param('id'), body.visibility)));
  });
  app.delete('/groups/:id', async (c) => {
    requireAdmin(c);
    await store.deleteGroup(c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/projects', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, createProjectBody);
    const path = body.namespace_id === undefined ? body.path : `${(await store.getGroup(body.namespace_id)).path}/${body.path}`;
    return c.json(presentProject(await store.createProject({ path, visibility: body.visibility })), 201);
  });
  app.get('/projects', async (c) => {
    requireAdmin(c);
    return c.json((await store.listProjects()).map(presentProject));
  });
  app.get('/projects/:id', async (c) => {
    requireAdmin(c);
    return c.json(presentProject(await store.getProject(c.req.param('id'))));
  });
  app.patch('/projects/:id', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, visibilityBody);
    return c.json(presentProject(await store.setProjectVisibility(c.req.param('id'), body.visibility)));
  });
  app.put('/projects/:id', (c) => editProject(c, store));
  app.delete('/projects/:id', async (c) => {
    requireAdmin(c);
    await store.deleteProject(c.req.param('id'));
    return c.body(null, 204);
  });

  memberRoutes(app, store, 'groups');
  memberRoutes(app, store, 'projects');
}

/** `PUT /projects/:id`: visibility (administrators) and the container registry (maintainers and up). */
async function editProject(c: AdminContext, store: AccessStore) {
  const { user } = c.get('caller');
  const ref = c.req.param('id') ?? '';
  const state = await store.state();
  const project = state.project(ref);
  const view = project ? describeNamespaceForUser(state, user, project.path) : null;
  // Hidden and missing look alike, as everywhere else.
  if (!project || !view) throw new AccessError('NOT_FOUND', `no project ${quoteRef(ref)}`);
  const body = await readBody(c, editProjectBody);
  const level = registryLevelOf(body);
  if (level === null) throw new ApiError(400, 'container_registry_access_level and container_registry_enabled disagree; give one');
  if (body.visibility !== undefined && !user.admin) throw new ApiError(403, 'changing the visibility needs an administrator');
  if (level !== undefined && !view.mayChangeSettings)
    throw new ApiError(403, `turning the container registry on or off needs the maintainer or owner role in ${project.path}`);
  let updated = project;
  if (body.visibility !== undefined) updated = await store.setProjectVisibility(project.id, body.visibility);
  if (level !== undefined) updated = await store.setProjectRegistryAccessLevel(project.id, level);
  return c.json(presentProject(updated));
}
