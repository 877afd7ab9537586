/**
 * Which projects `GET /groups/:id/projects` lists, by GitLab's Groups API: the group's own
 * projects (with `include_subgroups`, those of every group inside it too) that the caller can
 * see, filtered by `search`, `visibility`, `owned` and `min_access_level` (the caller's own
 * role, inherited roles included), sorted by `order_by` (default `created_at`) and `sort`
 * (default `desc`). Wharf records no activity, so `updated_at` and `last_activity_at` order by
 * creation.
 * @module
 */
import { type AccessState, effectiveRole, type GroupRecord, type ProjectRecord, roleAtLeast, VISIBILITIES } from '@wharf/access';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { canSeeProject } from '../auth/rights.js';
import { boolParam, intParam } from '../http/input.js';
import { offsetParams } from '../http/pagination.js';
import { minimumRole } from './group-list.js';

/** The parameters of `GET /groups/:id/projects`. */
export const groupProjectsInput = z.object({
  ...offsetParams,
  search: z.string().max(255).optional().describe('Only projects whose path contains this'),
  visibility: z.enum(VISIBILITIES).optional(),
  owned: boolParam.optional().describe('Only projects the caller owns'),
  min_access_level: intParam.optional().describe('Only projects where the caller has at least this access level'),
  include_subgroups: boolParam.optional().describe('Include the projects of the groups inside'),
  simple: boolParam.optional().describe('Accepted; the answer is the same'),
  order_by: z.enum(['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at']).optional().describe('Default `created_at`'),
  sort: z.enum(['asc', 'desc']).optional().describe('Default `desc`'),
});

export type GroupProjectsInput = z.output<typeof groupProjectsInput>;

/** The group's projects the caller may see, filtered and sorted. */
export function groupProjects(state: AccessState, caller: Caller, group: GroupRecord, input: GroupProjectsInput): ProjectRecord[] {
  const minimum = minimumRole(input.min_access_level);
  const search = input.search?.toLowerCase();
  const inside = (project: ProjectRecord) =>
    input.include_subgroups ? state.groupChain(project.groupId).some((g) => g.id === group.id) : project.groupId === group.id;
  const projects = [...state.document.projects.values()].filter((project) => {
    if (!inside(project) || !canSeeProject(state, caller, project)) return false;
    if (input.visibility && project.visibility !== input.visibility) return false;
    if (search && !project.path.toLowerCase().includes(search)) return false;
    if (input.owned || minimum) {
      const role = caller.kind === 'anonymous' ? null : effectiveRole(state, caller.user.id, project);
      return roleAtLeast(role, input.owned ? 'owner' : 'guest') && (!minimum || roleAtLeast(role, minimum));
    }
    return true;
  });
  return sortProjects(projects, input.order_by ?? 'created_at', input.sort ?? 'desc');
}

function sortProjects(
  projects: ProjectRecord[],
  orderBy: NonNullable<GroupProjectsInput['order_by']>,
  sort: 'asc' | 'desc',
): ProjectRecord[] {
  const key: (p: ProjectRecord) => string | number =
    orderBy === 'id'
      ? (p) => p.number
      : orderBy === 'name' || orderBy === 'path'
        ? (p) => p.path.slice(p.path.lastIndexOf('/') + 1)
        : (p) => p.createdAt;
  const sign = sort === 'asc' ? 1 : -1;
  return projects.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign || (a.number - b.number) * sign;
  });
}
