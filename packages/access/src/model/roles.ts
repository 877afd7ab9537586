/**
 * GitLab's vocabulary: member roles, visibility levels and token scopes, with the orderings
 * the rules compare. Kept as data so the admin API, the CLI and the docs read the same lists.
 * @module
 */

/** Member roles, weakest first (GitLab's access levels 10–50). */
export const ROLES = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** GitLab's numeric access levels, accepted by the admin API as `access_level`. */
export const ACCESS_LEVELS: Readonly<Record<Role, number>> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

/** Visibility levels, most restrictive first. */
export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Scopes a personal access token may carry. `read_registry` and `write_registry` are the
 * registry's own; `api` implies both (and delete); `read_api` is accepted but grants nothing
 * in the registry.
 */
export const PAT_SCOPES = ['read_registry', 'write_registry', 'api', 'read_api'] as const;
export type PatScope = (typeof PAT_SCOPES)[number];

/**
 * A project's container registry setting (GitLab's `container_registry_access_level`):
 * `enabled` (the default: whoever may see the project may pull, by its visibility and their
 * role), `private` (only the project's members — direct or through its groups — and
 * administrators; a public or internal project's images are then hidden from everyone else),
 * or `disabled`. While disabled, nobody may pull, push or delete the project's images,
 * administrators and deploy tokens included; nothing is deleted, and enabling it again restores
 * everything.
 */
export const CONTAINER_REGISTRY_ACCESS_LEVELS = ['enabled', 'private', 'disabled'] as const;
export type ContainerRegistryAccessLevel = (typeof CONTAINER_REGISTRY_ACCESS_LEVELS)[number];

/** Scopes a deploy token may carry. */
export const DEPLOY_TOKEN_SCOPES = ['read_registry', 'write_registry'] as const;
export type DeployTokenScope = (typeof DEPLOY_TOKEN_SCOPES)[number];

/** Position of a role in {@link ROLES}; higher is stronger. */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether `role` is at least `minimum`. */
export function roleAtLeast(role: Role | null, minimum: Role): boolean {
  return role !== null && roleRank(role) >= roleRank(minimum);
}

/** The stronger of two roles (either may be absent). */
export function strongerRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return roleRank(a) >= roleRank(b) ? a : b;
}

/** Position of a visibility in {@link VISIBILITIES}; higher is more open. */
export function visibilityRank(visibility: Visibility): number {
  return VISIBILITIES.indexOf(visibility);
}
