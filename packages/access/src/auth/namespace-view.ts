/**
 * Groups and projects as one principal sees them: for a page that shows a project's settings,
 * and for explaining a refusal. GitLab's rules:
 * - a project is visible to administrators, to anyone when public, to signed-in users who are
 *   not external when internal, and to its members (direct or through a group above it);
 * - a group likewise, and also to members of anything inside it (they see the path they are in);
 * - a deploy token sees the projects within its reach, a CI job what its user sees;
 * - settings (turning the container registry off and on) may be changed by maintainers, owners
 *   and administrators, signed in with a password or a personal access token with `api` scope.
 *
 * A private project someone may not see answers `null`, exactly like a missing one, so no
 * caller can tell the two apart (the API's 404).
 * @module
 */
import type { Principal } from '@wharf/core';
import type { AccessState } from '../model/access-state.js';
import { registryEnabled } from '../model/namespaces.js';
import { type Role, roleAtLeast, strongerRole, type Visibility } from '../model/roles.js';
import type { DeployTokenRecord, GroupRecord, ProjectRecord, UserRecord } from '../model/schema.js';
import { type CredentialContext, credentialContext, usableDeployToken, usableJob, usableUser } from './credential-context.js';
import { effectiveRole } from './permissions.js';
import { parseSubject } from './principal.js';
import { resolveRepository } from './resolve-repository.js';

/** A group or project as a principal sees it. */
export interface NamespaceView {
  readonly kind: 'group' | 'project';
  readonly id: string;
  readonly path: string;
  readonly visibility: Visibility;
  /** Whether the container registry is on (a group's always is). */
  readonly registryEnabled: boolean;
  /** Whether this principal may change its settings (maintainer, owner or administrator). */
  readonly mayChangeSettings: boolean;
}

/** Who looks: nobody, a user (and whether their credential may change settings), or a deploy token. */
type Viewer =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly user: UserRecord; readonly mayChange: boolean }
  | { readonly kind: 'deploy-token'; readonly token: DeployTokenRecord };

const ANYONE: Viewer = { kind: 'anonymous' };

function viewerOfContext(context: CredentialContext | null): Viewer {
  if (context === null) return ANYONE;
  switch (context.kind) {
    case 'user':
      return { kind: 'user', user: context.user, mayChange: true };
    case 'personal-access-token':
      return { kind: 'user', user: context.user, mayChange: context.token.scopes.includes('api') };
    case 'job':
      return { kind: 'user', user: context.user, mayChange: false };
    case 'deploy-token':
      return { kind: 'deploy-token', token: context.token };
  }
}

/**
 * The viewer behind a token's subject alone (a registry token names no credential): the user,
 * deploy token or job's user as long as they are usable. Used only to decide whether to explain
 * a refusal, never to grant anything.
 */
function viewerOfSubject(state: AccessState, subject: string, now: Date): Viewer {
  const parsed = parseSubject(subject);
  if (!parsed) return ANYONE;
  if (parsed.kind === 'user') {
    const user = usableUser(state, parsed.id);
    return user ? { kind: 'user', user, mayChange: false } : ANYONE;
  }
  if (parsed.kind === 'deploy-token') {
    const token = state.document.deployTokens.get(parsed.id);
    return token && usableDeployToken(state, token, now) ? { kind: 'deploy-token', token } : ANYONE;
  }
  const job = state.document.jobs.get(parsed.id);
  const user = job ? usableJob(state, job, now) : null;
  return user ? { kind: 'user', user, mayChange: false } : ANYONE;
}

function openTo(viewer: Viewer, visibility: Visibility): boolean {
  if (visibility === 'public') return true;
  return visibility === 'internal' && viewer.kind === 'user' && !viewer.user.external;
}

/** The user's strongest role on a group, from memberships on it and the groups above it. */
function groupRole(state: AccessState, userId: string, group: GroupRecord): Role | null {
  const chain = new Set(state.groupChain(group.id).map((g) => g.id));
  let role: Role | null = null;
  for (const m of state.membershipsOf(userId)) if (m.target.type === 'group' && chain.has(m.target.id)) role = strongerRole(role, m.role);
  return role;
}

/** Whether the user is a member of anything inside `group` (a subgroup or a project under it). */
function memberInside(state: AccessState, userId: string, group: GroupRecord): boolean {
  return state.membershipsOf(userId).some((m) => {
    const groupId = m.target.type === 'group' ? m.target.id : state.document.projects.get(m.target.id)?.groupId;
    return groupId !== undefined && state.groupChain(groupId).some((g) => g.id === group.id);
  });
}

function inReach(state: AccessState, token: DeployTokenRecord, groupId: string, projectId?: string): boolean {
  if (token.target.type === 'project') return token.target.id === projectId;
  return state.groupChain(groupId).some((g) => g.id === token.target.id);
}

function viewProject(state: AccessState, viewer: Viewer, project: ProjectRecord): NamespaceView | null {
  let visible = openTo(viewer, project.visibility);
  let mayChange = false;
  if (viewer.kind === 'user') {
    const role = effectiveRole(state, viewer.user.id, project);
    visible ||= viewer.user.admin || role !== null;
    mayChange = viewer.mayChange && (viewer.user.admin || roleAtLeast(role, 'maintainer'));
  } else if (viewer.kind === 'deploy-token') {
    visible ||= inReach(state, viewer.token, project.groupId, project.id);
  }
  if (!visible) return null;
  const { id, path, visibility } = project;
  return { kind: 'project', id, path, visibility, registryEnabled: registryEnabled(project), mayChangeSettings: mayChange };
}

function viewGroup(state: AccessState, viewer: Viewer, group: GroupRecord): NamespaceView | null {
  let visible = openTo(viewer, group.visibility);
  let mayChange = false;
  if (viewer.kind === 'user') {
    const role = groupRole(state, viewer.user.id, group);
    visible ||= viewer.user.admin || role !== null || memberInside(state, viewer.user.id, group);
    mayChange = viewer.mayChange && (viewer.user.admin || roleAtLeast(role, 'maintainer'));
  } else if (viewer.kind === 'deploy-token' && viewer.token.target.type === 'group') {
    // The token's group, the groups inside it, and the path above it.
    const target = viewer.token.target.id;
    visible ||= state.groupChain(group.id).some((g) => g.id === target) || state.groupChain(target).some((g) => g.id === group.id);
  }
  if (!visible) return null;
  const { id, path, visibility } = group;
  return { kind: 'group', id, path, visibility, registryEnabled: true, mayChangeSettings: mayChange };
}

/**
 * The group or project at exactly `path` as `principal` sees it.
 * @param principal an access principal, or core's `ANONYMOUS`; one whose credential is no longer
 *   valid (blocked user, revoked token) sees what anonymous sees
 * @returns the view, or `null` when there is no such group or project or it is hidden from `principal`
 * @example
 * describeNamespace(await store.state(), principal, 'team/app', store.now())
 * // { kind: 'project', path: 'team/app', registryEnabled: true, mayChangeSettings: false, … }
 */
export function describeNamespace(state: AccessState, principal: Principal, path: string, now: Date): NamespaceView | null {
  const anonymous = principal.anonymous === true || principal.subject === '';
  const viewer = anonymous ? ANYONE : viewerOfContext(credentialContext(state, principal.subject, principal.session, now));
  const project = state.projectByPath(path);
  if (project) return viewProject(state, viewer, project);
  const group = state.group(path);
  return group && group.path === path ? viewGroup(state, viewer, group) : null;
}

/**
 * Like {@link describeNamespace}, for a user already authenticated by other means (the admin
 * API's Basic auth, which accepts passwords and `api`-scoped tokens only).
 */
export function describeNamespaceForUser(state: AccessState, user: UserRecord, path: string): NamespaceView | null {
  const viewer: Viewer = user.blocked ? ANYONE : { kind: 'user', user, mayChange: true };
  const project = state.projectByPath(path);
  if (project) return viewProject(state, viewer, project);
  const group = state.group(path);
  return group && group.path === path ? viewGroup(state, viewer, group) : null;
}

/**
 * Why a registry refused `subject` access to the repository `name`, when the reason is that
 * the project's container registry is turned off and `subject` may see that project (the
 * message would otherwise tell outsiders that a private project exists).
 * @param subject a registry token's `sub` (`''` for anonymous)
 * @returns `the container registry is turned off for project <path>`, or `null`
 */
export function explainRegistryOff(state: AccessState, subject: string, name: string, now: Date): string | null {
  const resolved = resolveRepository(state, name);
  if (!('project' in resolved) || registryEnabled(resolved.project)) return null;
  const { project } = resolved;
  const viewer = subject === '' ? ANYONE : viewerOfSubject(state, subject, now);
  if (!viewProject(state, viewer, project)) return null;
  return `the container registry is turned off for project ${project.path}`;
}
