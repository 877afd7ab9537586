/**
 * The admin API's JSON shapes, in GitLab's REST style (snake_case, `full_path`,
 * `path_with_namespace`, `access_level`). Secrets appear only in creation responses, as `token`.
 * @module
 */
import type { MemberInfo } from '../store/access-store.js';
import { registryAccessLevel, registryEnabled } from '../model/namespaces.js';
import { ACCESS_LEVELS } from '../model/roles.js';
import type { GroupRecord, ProjectRecord } from '../model/schema.js';
import type { DeployTokenInfo, JobInfo, PersonalAccessTokenInfo, UserInfo } from '../model/views.js';

const lastSegment = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function presentUser(user: UserInfo) {
  return {
    id: user.id,
    username: user.username,
    state: user.blocked ? 'blocked' : 'active',
    admin: user.admin,
    two_factor: user.twoFactor,
    external: user.external,
    blocked: user.blocked,
    has_password: user.hasPassword,
    created_at: user.createdAt,
  };
}

export function presentGroup(group: GroupRecord) {
  return {
    id: group.id,
    path: lastSegment(group.path),
    full_path: group.path,
    parent_id: group.parentId,
    visibility: group.visibility,
    created_at: group.createdAt,
  };
}

export function presentProject(project: ProjectRecord) {
  return {
    id: project.id,
    path: lastSegment(project.path),
    path_with_namespace: project.path,
    namespace_id: project.groupId,
    visibility: project.visibility,
    container_registry_access_level: registryAccessLevel(project),
    container_registry_enabled: registryEnabled(project),
    created_at: project.createdAt,
  };
}

export function presentMember(member: MemberInfo) {
  return {
    user_id: member.userId,
    username: member.username,
    role: member.role,
    access_level: ACCESS_LEVELS[member.role],
    source_type: member.target.type,
    source_id: member.target.id,
    source_path: member.path,
    created_at: member.createdAt,
  };
}

export function presentPat(token: PersonalAccessTokenInfo, secret?: string) {
  return {
    id: token.id,
    user_id: token.userId,
    name: token.name,
    scopes: token.scopes,
    expires_at: token.expiresAt,
    revoked: token.revoked,
    active: token.state === 'active',
    state: token.state,
    created_at: token.createdAt,
    ...(secret !== undefined && { token: secret }),
  };
}

export function presentDeployToken(token: DeployTokenInfo, secret?: string) {
  return {
    id: token.id,
    name: token.name,
    username: token.username,
    scopes: token.scopes,
    expires_at: token.expiresAt,
    revoked: token.revoked,
    expired: token.state === 'expired',
    state: token.state,
    ...(token.target.type === 'project' ? { project_id: token.target.id } : { group_id: token.target.id }),
    created_at: token.createdAt,
    ...(secret !== undefined && { token: secret }),
  };
}

export function presentJob(job: JobInfo, secret?: string) {
  return {
    id: job.id,
    project_id: job.projectId,
    user_id: job.userId,
    status: job.status,
    started_at: job.startedAt,
    expires_at: job.expiresAt,
    finished_at: job.finishedAt,
    token_active: job.tokenActive,
    ...(secret !== undefined && { token: secret }),
  };
}
