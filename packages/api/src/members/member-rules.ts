/**
 * GitLab's rules for the members API, over the access model's memberships:
 *
 * - access levels are GitLab's numbers; the access model has 10 (guest) to 50 (owner), so the
 *   levels GitLab has besides (0 no access, 5 minimal access, 15 planner) are refused clearly;
 * - a project's members are managed by its maintainers and a group's by its owners (GitLab's
 *   permission table: "Group Owners can manage members in a group, Project Maintainers can
 *   manage members in a project"); only an owner may give, change or take the owner role;
 * - a direct role may not be lower than the one the user inherits from a group above
 *   (GitLab: "should be greater than or equal to … inherited membership");
 * - a group always keeps an owner: its last owner (counting owners inherited from the groups
 *   above) can neither leave nor be demoted. The access model does not enforce this itself.
 * - "all" members are the direct ones and those inherited from the groups above, each user
 *   once, with their highest role (GitLab's rule for `members/all`).
 * @module
 */
import {
  ACCESS_LEVELS,
  type AccessState,
  type GroupRecord,
  type MemberRecord,
  type ProjectRecord,
  ROLES,
  type Role,
  roleRank,
  type UserRecord,
} from '@wharf/access';
import type { Caller } from '../auth/caller.js';
import { groupLevel, type Level, levelAtLeast, projectLevel } from '../auth/rights.js';
import { badParameter, badRequest, forbidden } from '../http/api-error.js';
import type { MemberView } from '../presenters/members.js';

/** The group or project whose members are asked for. */
export type MemberSource =
  | { readonly type: 'group'; readonly record: GroupRecord }
  | { readonly type: 'project'; readonly record: ProjectRecord };

const LEVEL_LIST = ROLES.map((r) => `${ACCESS_LEVELS[r]} (${r})`).join(', ');

/**
 * The role of a GitLab access level.
 * @throws ApiError 400 `access_level does not have a valid value` for levels the model lacks
 */
export function roleOfLevel(level: number): Role {
  const role = ROLES.find((r) => ACCESS_LEVELS[r] === level);
  if (!role) throw badParameter(`access_level does not have a valid value: Wharf has the access levels ${LEVEL_LIST}`);
  return role;
}

/** The groups above the source, innermost first (the source itself excluded). */
function groupsAbove(state: AccessState, source: MemberSource): GroupRecord[] {
  return source.type === 'group' ? state.groupChain(source.record.id).slice(1) : state.groupChain(source.record.groupId);
}

function viewsOf(state: AccessState, members: readonly MemberRecord[]): MemberView[] {
  return members.flatMap((member) => {
    const user = state.document.users.get(member.userId);
    return user ? [{ user, member }] : [];
  });
}

/** The source's direct members, in the order they were added. */
export function directMembers(state: AccessState, source: MemberSource): MemberView[] {
  const { id } = source.record;
  return viewsOf(
    state,
    state.document.members.filter((m) => m.target.type === source.type && m.target.id === id),
  );
}

/** Direct and inherited members, each user once with their highest role (ties: the direct one). */
export function allMembers(state: AccessState, source: MemberSource): MemberView[] {
  const above = new Set(groupsAbove(state, source).map((g) => g.id));
  const best = new Map<string, MemberView>();
  const consider = (view: MemberView) => {
    const current = best.get(view.user.id);
    if (!current || roleRank(view.member.role) > roleRank(current.member.role)) best.set(view.user.id, view);
  };
  for (const view of directMembers(state, source)) consider(view);
  for (const view of viewsOf(
    state,
    state.document.members.filter((m) => m.target.type === 'group' && above.has(m.target.id)),
  ))
    consider(view);
  return [...best.values()].sort((a, b) => a.user.number - b.user.number);
}

/** The user's highest role inherited from the groups above the source, with the group it comes from. */
export function inheritedRole(state: AccessState, source: MemberSource, userId: string): { role: Role; group: GroupRecord } | null {
  let found: { role: Role; group: GroupRecord } | null = null;
  for (const group of groupsAbove(state, source)) {
    const member = state.membershipsOf(userId).find((m) => m.target.type === 'group' && m.target.id === group.id);
    if (member && (!found || roleRank(member.role) > roleRank(found.role))) found = { role: member.role, group };
  }
  return found;
}

/** @throws ApiError 400 when `role` is below what the user inherits (GitLab's wording) */
export function refuseBelowInherited(state: AccessState, source: MemberSource, user: UserRecord, role: Role): void {
  const inherited = inheritedRole(state, source, user.id);
  if (inherited && roleRank(role) < roleRank(inherited.role)) {
    const name = inherited.role.charAt(0).toUpperCase() + inherited.role.slice(1);
    throw badRequest(`access_level should be greater than or equal to ${name} inherited membership from group ${inherited.group.path}`);
  }
}

/** The caller's level on the source (`admin` for administrators). */
export function callerLevel(state: AccessState, caller: Caller, source: MemberSource): Level | null {
  return source.type === 'group' ? groupLevel(state, caller, source.record) : projectLevel(state, caller, source.record);
}

/**
 * Refuse a caller who may not give `role` to someone, or change a membership that now has
 * `currentRole`: maintainers of a project (owners of a group) manage members; only owners
 * touch the owner role.
 * @throws ApiError 403
 */
export function requireManage(state: AccessState, caller: Caller, source: MemberSource, roles: readonly Role[]): void {
  const level = callerLevel(state, caller, source);
  const needed: Level = source.type === 'group' ? 'owner' : 'maintainer';
  if (!levelAtLeast(level, needed)) throw forbidden();
  if (roles.includes('owner') && !levelAtLeast(level, 'owner')) throw forbidden('only an owner may give, change or remove the owner role');
}

/**
 * Whether the group keeps an owner without this membership: another owner membership on the
 * group or a group above it (the same user's inherited ownership counts too).
 */
export function keepsAnOwner(state: AccessState, group: GroupRecord, member: MemberRecord): boolean {
  const chain = new Set(state.groupChain(group.id).map((g) => g.id));
  return state.document.members.some(
    (m) =>
      m.role === 'owner' &&
      m.target.type === 'group' &&
      chain.has(m.target.id) &&
      !(m.userId === member.userId && m.target.type === member.target.type && m.target.id === member.target.id),
  );
}

/** @throws ApiError 403 when the change would leave a group without an owner */
export function refuseLastOwnerChange(state: AccessState, source: MemberSource, member: MemberRecord, nextRole: Role | null): void {
  if (source.type !== 'group' || member.role !== 'owner' || nextRole === 'owner') return;
  if (!keepsAnOwner(state, source.record, member))
    throw forbidden(`"${source.record.path}" would have no owner left: add another owner first`);
}
