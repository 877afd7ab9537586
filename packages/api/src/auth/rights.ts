/**
 * What a caller may see and do through the REST API, by GitLab's permission table: the role
 * (the highest of the direct membership and those on the groups above), the visibility, and
 * administrators who may do everything. Registry rights (pull, push, delete images) are the
 * access model's own (`allowedActions`), so `/v2`, the page and this API never disagree.
 *
 * A personal access token's scopes were checked per route (route-table.ts): `api` grants the
 * user's rights, `read_api` only reads. A CI job acts as its user within the job-token rules.
 * @module
 */
import {
  type AccessState,
  allowedActions,
  effectiveRole,
  type GroupRecord,
  type ProjectRecord,
  type RegistryAction,
  type Role,
  registryEnabled,
  roleAtLeast,
  strongerRole,
} from '@wharf/access';
import { forbidden } from '../http/api-error.js';
import { type Caller, credentialOf } from './caller.js';

/** A role, or `admin` for an administrator (above owner, for rules that name it). */
export type Level = Role | 'admin';

function openTo(caller: Caller, visibility: ProjectRecord['visibility']): boolean {
  if (visibility === 'public') return true;
  return visibility === 'internal' && caller.kind !== 'anonymous' && !caller.user.external;
}

/** The caller's level on a project: `admin`, their effective role, or `null`. */
export function projectLevel(state: AccessState, caller: Caller, project: ProjectRecord): Level | null {
  if (caller.kind === 'anonymous') return null;
  if (caller.user.admin) return 'admin';
  return effectiveRole(state, caller.user.id, project);
}

/** The caller's level on a group: `admin`, or the highest role on it or a group above it. */
export function groupLevel(state: AccessState, caller: Caller, group: GroupRecord): Level | null {
  if (caller.kind === 'anonymous') return null;
  if (caller.user.admin) return 'admin';
  const chain = new Set(state.groupChain(group.id).map((g) => g.id));
  let role: Role | null = null;
  for (const m of state.membershipsOf(caller.user.id)) if (m.target.type === 'group' && chain.has(m.target.id)) role = strongerRole(role, m.role);
  return role;
}

/** Whether `level` is at least `minimum` (`admin` is above every role). */
export function levelAtLeast(level: Level | null, minimum: Level): boolean {
  if (level === 'admin') return true;
  if (minimum === 'admin') return false;
  return roleAtLeast(level, minimum);
}

/** Whether the caller can see the project at all (GitLab answers 404 otherwise). */
export function canSeeProject(state: AccessState, caller: Caller, project: ProjectRecord): boolean {
  return openTo(caller, project.visibility) || projectLevel(state, caller, project) !== null;
}

/** Whether the caller can see the group: its visibility, a role on it, or a membership inside it. */
export function canSeeGroup(state: AccessState, caller: Caller, group: GroupRecord): boolean {
  if (openTo(caller, group.visibility) || groupLevel(state, caller, group) !== null) return true;
  if (caller.kind === 'anonymous') return false;
  return state.membershipsOf(caller.user.id).some((m) => {
    const groupId = m.target.type === 'group' ? m.target.id : state.document.projects.get(m.target.id)?.groupId;
    return groupId !== undefined && state.groupChain(groupId).some((g) => g.id === group.id);
  });
}

/** @throws ApiError 403 unless the caller has at least `minimum` on the project */
export function requireProjectLevel(state: AccessState, caller: Caller, project: ProjectRecord, minimum: Level): void {
  if (!levelAtLeast(projectLevel(state, caller, project), minimum)) throw forbidden();
}

/** @throws ApiError 403 unless the caller has at least `minimum` on the group */
export function requireGroupLevel(state: AccessState, caller: Caller, group: GroupRecord, minimum: Level): void {
  if (!levelAtLeast(groupLevel(state, caller, group), minimum)) throw forbidden();
}

/** @throws ApiError 403 unless the caller is an administrator */
export function requireAdmin(caller: Caller): void {
  if (caller.kind === 'anonymous' || !caller.user.admin || caller.kind === 'job') throw forbidden();
}

/**
 * The registry actions the caller has on a project's images: the access model's rule for the
 * credential, except that a personal access token is judged by its user's rights (the route
 * already required `api`, or `read_api` for reads — a registry-only token never gets here).
 */
export function registryActions(state: AccessState, caller: Caller, project: ProjectRecord): Set<RegistryAction> {
  if (!registryEnabled(project)) return new Set();
  const credential = caller.kind === 'user' ? { kind: 'user' as const, user: caller.user } : credentialOf(caller);
  const actions = allowedActions(state, credential, project);
  if (caller.kind === 'user' && caller.token && !caller.token.scopes.includes('api')) return new Set([...actions].filter((a) => a === 'pull'));
  return actions;
}
