/**
 * Container registry repositories and tags in GitLab's JSON shapes (`Entities::ContainerRegistry::
 * Repository`, `Tag`, `TagDetails`): `path` is the full image name, `location` what `docker pull`
 * takes (`host/path`, `host/path:tag`). Optional parts (`tags`, `tags_count`, `size`) appear only
 * when asked for, as in GitLab.
 * @module
 */
import type { TagDetails } from '@wharf/core';

/** GitLab's repository `status`: `null` normally, or where its deletion stands. */
export type RepositoryStatus = 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' | null;

/** What a repository's JSON is made of. */
export interface RepositoryView {
  readonly id: number;
  /** Full name (`team/app/api`). */
  readonly name: string;
  /** Below the project (`api`; `''` for the project's own image). */
  readonly image: string;
  readonly projectNumber: number;
  readonly createdAt: string | null;
  readonly cleanupPolicyStartedAt: string | null;
  readonly status: RepositoryStatus;
  readonly tagsCount?: number;
  readonly tags?: readonly string[];
  readonly size?: number;
}

/** A tag as listed: name, image reference, pull location. */
export function presentTag(repository: string, tag: string, registryHost: string) {
  return { name: tag, path: `${repository}:${tag}`, location: `${registryHost}/${repository}:${tag}` };
}

/** A repository as `GET /projects/:id/registry/repositories` shows it. */
export function presentRepository(view: RepositoryView, registryHost: string) {
  return {
    id: view.id,
    name: view.image,
    path: view.name,
    project_id: view.projectNumber,
    location: `${registryHost}/${view.name}`,
    created_at: view.createdAt,
    cleanup_policy_started_at: view.cleanupPolicyStartedAt,
    status: view.status,
    ...(view.tagsCount !== undefined ? { tags_count: view.tagsCount } : {}),
    ...(view.tags !== undefined ? { tags: view.tags.map((t) => presentTag(view.name, t, registryHost)) } : {}),
    ...(view.size !== undefined ? { size: view.size } : {}),
  };
}

/**
 * One tag in detail. `revision` is GitLab's: the hex digest of the image's config blob (what
 * `docker inspect` calls the image id), `null` for a multi-arch index, which has no config;
 * `short_revision` its first 9 characters.
 */
export function presentTagDetails(repository: string, details: TagDetails, revision: string | null, registryHost: string) {
  return {
    ...presentTag(repository, details.name, registryHost),
    revision,
    short_revision: revision === null ? null : revision.slice(0, 9),
    digest: details.digest,
    created_at: details.createdAt,
    total_size: details.totalSize,
  };
}
