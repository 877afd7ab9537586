/**
 * Which groups `GET /groups` and `GET /groups/:id/subgroups` list, and in what order, by
 * GitLab's Groups API:
 *
 * - only groups the caller can see; administrators and anonymous callers get every group they
 *   can see, other users only the groups they belong to (a membership on the group, a group
 *   above it, or something inside it) unless `all_available=true`;
 * - `owned` (groups the caller is a direct owner of, "explicitly owned" in GitLab's words) and
 *   `min_access_level` (the caller's role, inherited from the groups above included) take
 *   precedence over `all_available`, and count an administrator's own memberships only;
 * - `order_by` `name` (default), `path` or `id`, `sort` `asc` (default) or `desc`. Wharf's group
 *   name is its last path segment, so `name` and `path` order alike.
 *
 * Keyset pagination is GitLab's for groups: `order_by=name`, `sort=asc`.
 * @module
 */
import { ACCESS_LEVELS, type AccessState, type GroupRecord, ROLES, type Role, roleAtLeast, strongerRole } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { canSeeGroup } from '../auth/rights.js';
import { badParameter } from '../http/api-error.js';
import { boolParam, idListParam, intParam } from '../http/input.js';
import { decodeCursor, encodeCursor, keysetParams } from '../http/pagination.js';

/** The parameters of `GET /groups` and `GET /groups/:id/subgroups`. */
export const groupListInput = z.object({
  ...keysetParams,
  search: z.string().max(255).optional().describe('Only groups whose path contains this'),
  owned: boolParam.optional().describe('Only groups the caller owns'),
  min_access_level: intParam.optional().describe('Only groups where the caller has at least this access level'),
  top_level_only: boolParam.optional().describe('Only top-level groups'),
  all_available: boolParam.optional().describe('Every group the caller can see, not only their own (default for administrators)'),
  skip_groups: idListParam.optional().describe('Leave these group ids out'),
  order_by: z.enum(['name', 'path', 'id']).optional().describe('Default `name`'),
  sort: z.enum(['asc', 'desc']).optional().describe('Default `asc`'),
});

export type GroupListInput = z.output<typeof groupListInput>;

const segment = (group: GroupRecord) => group.path.slice(group.path.lastIndexOf('/') + 1);

/** The role a GitLab access level names, for `min_access_level`. @throws ApiError 400 */
export function minimumRole(level: number | undefined): Role | undefined {
  if (level === undefined) return undefined;
  const role = ROLES.find((r) => ACCESS_LEVELS[r] === level);
  if (!role) throw badParameter('min_access_level does not have a valid value: use 10, 20, 30, 40 or 50');
  return role;
}

/** The user's own role on the group: their strongest membership on it or a group above it. */
export function memberRole(state: AccessState, caller: Caller, group: GroupRecord): Role | null {
  if (caller.kind === 'anonymous') return null;
  const chain = new Set(state.groupChain(group.id).map((g) => g.id));
  let role: Role | null = null;
  for (const m of state.membershipsOf(caller.user.id))
    if (m.target.type === 'group' && chain.has(m.target.id)) role = strongerRole(role, m.role);
  return role;
}

/** Whether the user is an owner of the group itself ("explicitly owned", in GitLab's words). */
function ownsDirectly(state: AccessState, caller: Caller, group: GroupRecord): boolean {
  if (caller.kind === 'anonymous') return false;
  return state.membershipsOf(caller.user.id).some((m) => m.role === 'owner' && m.target.type === 'group' && m.target.id === group.id);
}

/** Whether the user belongs to the group: a role on it, or a membership on something inside it. */
function belongs(state: AccessState, caller: Caller, group: GroupRecord): boolean {
  if (caller.kind === 'anonymous') return false;
  if (memberRole(state, caller, group) !== null) return true;
  return state.membershipsOf(caller.user.id).some((m) => {
    const groupId = m.target.type === 'group' ? m.target.id : state.document.projects.get(m.target.id)?.groupId;
    return groupId !== undefined && state.groupChain(groupId).some((g) => g.id === group.id);
  });
}

/** The groups to list, filtered (not yet sorted). `parent`: only its direct subgroups. */
export function listedGroups(state: AccessState, caller: Caller, input: GroupListInput, parent?: GroupRecord): GroupRecord[] {
  const minimum = minimumRole(input.min_access_level);
  const search = input.search?.toLowerCase();
  const skip = new Set(input.skip_groups ?? []);
  const everyone = caller.kind === 'anonymous' || (caller.user.admin && caller.kind === 'user');
  const allAvailable = input.all_available ?? everyone;
  return [...state.document.groups.values()].filter((group) => {
    if (parent ? group.parentId !== parent.id : input.top_level_only && group.parentId !== null) return false;
    if (skip.has(group.number) || !canSeeGroup(state, caller, group)) return false;
    if (search && !group.path.toLowerCase().includes(search)) return false;
    if (input.owned && !ownsDirectly(state, caller, group)) return false;
    if (minimum) return roleAtLeast(memberRole(state, caller, group), minimum);
    if (input.owned) return true;
    return allAvailable || belongs(state, caller, group);
  });
}

/** Sort groups by `order_by` and `sort` (ties by id, so pages never overlap). */
export function sortGroups(groups: GroupRecord[], input: GroupListInput): GroupRecord[] {
  const sign = input.sort === 'desc' ? -1 : 1;
  const byId = input.order_by === 'id';
  return groups.sort((a, b) => {
    if (!byId) {
      const x = segment(a);
      const y = segment(b);
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return (a.number - b.number) * sign;
  });
}

/**
 * One keyset page of sorted groups (`order_by=name`, `sort=asc`), and the cursor of the next.
 * @throws ApiError 400 for another order or a cursor this API did not make
 */
export function keysetGroupPage(
  sorted: GroupRecord[],
  input: GroupListInput,
  perPage: number,
): { page: GroupRecord[]; next: string | null } {
  if ((input.order_by ?? 'name') !== 'name' || (input.sort ?? 'asc') !== 'asc')
    throw badParameter('keyset pagination of groups needs order_by=name and sort=asc');
  let after: readonly [string, number] | undefined;
  if (input.cursor !== undefined) {
    const value = decodeCursor(input.cursor);
    if (!(Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number'))
      throw badParameter('cursor is invalid');
    after = [value[0], value[1]];
  }
  const rest = after ? sorted.filter((g) => segment(g) > after[0] || (segment(g) === after[0] && g.number > after[1])) : sorted;
  const page = rest.slice(0, perPage);
  const last = page.at(-1);
  return { page, next: rest.length > perPage && last ? encodeCursor([segment(last), last.number]) : null };
}
