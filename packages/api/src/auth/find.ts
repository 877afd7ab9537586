/**
 * Finding what a URL names, as GitLab does: a project or group by numeric id or by full path
 * (URL-encoded in the path, decoded by the router), a user by numeric id. Whatever the caller
 * cannot see is answered exactly like what does not exist (404 with GitLab's message), so the
 * API never tells an outsider that a private project is there.
 * @module
 */
import type { AccessState, GroupRecord, ProjectRecord, UserRecord } from '@wharf/access';
import { notFound } from '../http/api-error.js';
import type { Caller } from './caller.js';
import { canSeeGroup, canSeeProject } from './rights.js';

const NUMERIC = /^[1-9]\d{0,15}$/;

/** The number in a numeric id parameter, or `null` when it is a path. */
export function numericId(ref: string): number | null {
  return NUMERIC.test(ref) ? Number(ref) : null;
}

/** The project `ref` names, if the caller can see it. @throws ApiError 404 `Project Not Found` */
export function findProject(state: AccessState, caller: Caller, ref: string): ProjectRecord {
  const number = numericId(ref);
  const project = number !== null ? state.byNumber('projects', number) : state.projectByPath(ref);
  if (!project || !canSeeProject(state, caller, project)) throw notFound('Project');
  return project;
}

/** The group `ref` names, if the caller can see it. @throws ApiError 404 `Group Not Found` */
export function findGroup(state: AccessState, caller: Caller, ref: string): GroupRecord {
  const number = numericId(ref);
  const group = number !== null ? state.byNumber('groups', number) : state.group(ref);
  // state.group also matches ulids; a path lookup must not.
  if (!group || (number === null && group.path !== ref) || !canSeeGroup(state, caller, group)) throw notFound('Group');
  return group;
}

/** The user with this numeric id. @throws ApiError 404 `User Not Found` */
export function findUser(state: AccessState, ref: string): UserRecord {
  const number = numericId(ref);
  const user = number !== null ? state.byNumber('users', number) : undefined;
  if (!user) throw notFound('User');
  return user;
}
