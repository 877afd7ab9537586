/**
 * Groups, projects and their namespaces in GitLab's JSON shapes (the fields GitLab's clients
 * read: numeric `id`s, `path_with_namespace`, `namespace`, `web_url`, the container registry
 * settings). Wharf keeps no display names, descriptions or repositories of code, so `name` is
 * the last path segment and the git-only fields are absent rather than invented.
 * @module
 */
import { type AccessState, type GroupRecord, type ProjectRecord, registryAccessLevel, registryEnabled } from '@wharf/access';
import type { StoredCleanupPolicy } from '@wharf/core';

const lastSegment = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Where things are: the public origin and the registry host. */
export interface Urls {
  readonly origin: string;
  readonly registryHost: string;
}

/** A group as `GET /groups/:id` shows it. */
export function presentGroup(state: AccessState, group: GroupRecord, urls: Urls) {
  const parent = group.parentId ? state.document.groups.get(group.parentId) : undefined;
  return {
    id: group.number,
    name: lastSegment(group.path),
    path: lastSegment(group.path),
    full_name: group.path.split('/').join(' / '),
    full_path: group.path,
    description: '',
    visibility: group.visibility,
    parent_id: parent?.number ?? null,
    avatar_url: null,
    web_url: `${urls.origin}/namespaces/${group.path}`,
    created_at: group.createdAt,
  };
}

/** A project's `namespace` (always a group in Wharf). */
export function presentNamespace(state: AccessState, group: GroupRecord | undefined, urls: Urls) {
  if (!group) return null;
  const parent = group.parentId ? state.document.groups.get(group.parentId) : undefined;
  return {
    id: group.number,
    name: lastSegment(group.path),
    path: lastSegment(group.path),
    kind: 'group',
    full_path: group.path,
    parent_id: parent?.number ?? null,
    avatar_url: null,
    web_url: `${urls.origin}/namespaces/${group.path}`,
  };
}

/** The cleanup policy as GitLab shows it inside a project (`container_expiration_policy`). */
export function presentExpirationPolicy(policy: StoredCleanupPolicy | null, nextRunAt: string | null) {
  return {
    cadence: policy?.cadence ?? '1d',
    enabled: policy?.enabled ?? false,
    keep_n: policy ? policy.keep_n : 10,
    older_than: policy ? policy.older_than : '90d',
    name_regex: policy?.name_regex ?? '.*',
    name_regex_delete: policy?.name_regex ?? '.*',
    name_regex_keep: policy?.name_regex_keep ?? null,
    next_run_at: policy?.enabled ? nextRunAt : null,
  };
}

/** A project as `GET /projects/:id` shows it. */
export function presentProject(
  state: AccessState,
  project: ProjectRecord,
  urls: Urls,
  policy: { readonly policy: StoredCleanupPolicy | null; readonly nextRunAt: string | null },
) {
  const group = state.document.groups.get(project.groupId);
  const name = lastSegment(project.path);
  return {
    id: project.number,
    description: null,
    name,
    name_with_namespace: project.path.split('/').join(' / '),
    path: name,
    path_with_namespace: project.path,
    created_at: project.createdAt,
    default_branch: null,
    tag_list: [],
    topics: [],
    web_url: `${urls.origin}/namespaces/${project.path}`,
    avatar_url: null,
    namespace: presentNamespace(state, group, urls),
    visibility: project.visibility,
    archived: false,
    empty_repo: true,
    container_registry_enabled: registryEnabled(project),
    container_registry_access_level: registryAccessLevel(project),
    container_registry_image_prefix: `${urls.registryHost}/${project.path}`,
    container_expiration_policy: presentExpirationPolicy(policy.policy, policy.nextRunAt),
    _links: { self: `${urls.origin}/api/v4/projects/${project.number}` },
  };
}
