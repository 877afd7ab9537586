/**
 * What a credential may do to one project's images, as sets of registry actions.
 *
 * A user's rights come from their role and the project's visibility:
 * - role (the highest of the direct project membership and every membership on the groups
 *   above it): reporter+ pull, developer+ push, maintainer+ delete;
 * - visibility: public → anyone may pull, also anonymous; internal → any logged-in user who is
 *   not external may pull; private → members only;
 * - admins may do everything everywhere.
 *
 * A token narrows its user's rights to its scopes (the intersection). A deploy token has no
 * user: its scopes apply to its own project or group's projects, whatever their visibility.
 * A job acts as its user: it may pull what its user may pull, and in its own project push and
 * delete where its user may push (GitLab lets the CI user delete the images its pipeline made,
 * for the guide's `delete_image` job); elsewhere it may not push or delete.
 * Every credential may at least do what anonymous may (pull public projects).
 *
 * A project whose registry is `private` (GitLab's "Only project members") drops the
 * visibility rules: only members (by role), administrators, the project's deploy tokens and
 * jobs of members may use it.
 *
 * A project whose container registry is turned off allows nothing to anyone, administrators
 * and deploy tokens included (GitLab's `container_registry_access_level: disabled`).
 * @module
 */
import type { AccessState } from '../model/access-state.js';
import { registryEnabled, registryMembersOnly } from '../model/namespaces.js';
import { type DeployTokenScope, type PatScope, type Role, roleAtLeast, strongerRole } from '../model/roles.js';
import type { ProjectRecord, UserRecord } from '../model/schema.js';
import type { CredentialContext } from './credential-context.js';

/** The concrete actions of the registry. */
export type RegistryAction = 'pull' | 'push' | 'delete';
export const REGISTRY_ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete'];

/** What each token scope allows in the registry (`read_api` is deliberately empty). */
export const SCOPE_ACTIONS: Readonly<Record<PatScope | DeployTokenScope, readonly RegistryAction[]>> = {
  read_registry: ['pull'],
  write_registry: ['push'],
  api: ['pull', 'push', 'delete'],
  read_api: [],
};

/** The user's effective role on a project: the highest inherited or direct one, or `null`. */
export function effectiveRole(state: AccessState, userId: string, project: ProjectRecord): Role | null {
  const groupIds = new Set(state.groupChain(project.groupId).map((g) => g.id));
  let role: Role | null = null;
  for (const m of state.membershipsOf(userId)) {
    const applies = m.target.type === 'project' ? m.target.id === project.id : groupIds.has(m.target.id);
    if (applies) role = strongerRole(role, m.role);
  }
  return role;
}

/** What anybody, logged in or not, may do. */
export function anonymousActions(project: ProjectRecord): Set<RegistryAction> {
  return new Set(project.visibility === 'public' && !registryMembersOnly(project) ? ['pull'] : []);
}

/** What a user may do, from admin flag, role and visibility. */
export function userActions(state: AccessState, user: UserRecord, project: ProjectRecord): Set<RegistryAction> {
  if (user.admin) return new Set(REGISTRY_ACTIONS);
  const actions = anonymousActions(project);
  if (project.visibility === 'internal' && !user.external && !registryMembersOnly(project)) actions.add('pull');
  const role = effectiveRole(state, user.id, project);
  if (roleAtLeast(role, 'reporter')) actions.add('pull');
  if (roleAtLeast(role, 'developer')) actions.add('push');
  if (roleAtLeast(role, 'maintainer')) actions.add('delete');
  return actions;
}

/** The actions a set of scopes allows. */
export function scopeActions(scopes: readonly (PatScope | DeployTokenScope)[]): Set<RegistryAction> {
  return new Set(scopes.flatMap((s) => SCOPE_ACTIONS[s]));
}

function intersect(a: Set<RegistryAction>, b: Iterable<RegistryAction>): Set<RegistryAction> {
  return new Set([...b].filter((x) => a.has(x)));
}

/** A job's actions from its user's: pull anywhere; push and delete in its own project when the user may push. */
function jobActions(user: Set<RegistryAction>, ownProject: boolean): Set<RegistryAction> {
  const actions = intersect(user, ['pull']);
  if (ownProject && user.has('push')) for (const a of ['push', 'delete'] as const) actions.add(a);
  return actions;
}

/** Whether a project lies within a deploy token's reach. */
function inDeployTokenReach(state: AccessState, target: { type: 'group' | 'project'; id: string }, project: ProjectRecord): boolean {
  if (target.type === 'project') return target.id === project.id;
  return state.groupChain(project.groupId).some((g) => g.id === target.id);
}

/**
 * What a valid credential (or anonymous, for `null`) may do to a project's images.
 */
export function allowedActions(state: AccessState, context: CredentialContext | null, project: ProjectRecord): Set<RegistryAction> {
  if (!registryEnabled(project)) return new Set();
  const floor = anonymousActions(project);
  if (context === null) return floor;
  let actions: Set<RegistryAction>;
  switch (context.kind) {
    case 'user':
      actions = userActions(state, context.user, project);
      break;
    case 'personal-access-token':
      actions = intersect(userActions(state, context.user, project), scopeActions(context.token.scopes));
      break;
    case 'deploy-token':
      actions = inDeployTokenReach(state, context.token.target, project)
        ? intersect(scopeActions(context.token.scopes), ['pull', 'push'])
        : new Set();
      break;
    case 'job':
      actions = jobActions(userActions(state, context.user, project), context.job.projectId === project.id);
      break;
  }
  for (const a of floor) actions.add(a);
  return actions;
}

/** Whether a credential may list the catalog: admins, by password or with a readable-scoped token. */
export function mayListCatalog(context: CredentialContext | null): boolean {
  if (context === null) return false;
  if (context.kind === 'user') return context.user.admin;
  if (context.kind === 'personal-access-token') return context.user.admin && scopeActions(context.token.scopes).has('pull');
  return false;
}
