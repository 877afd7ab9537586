/**
 * What a group or project path is to the signed-in user: whether they may see it at all, its
 * kind and name, whether its registry is on, and whether they may change its settings.
 *
 * With the host's {@link UiNamespaces} its `describe` decides everything (a hidden private
 * project is `null`, exactly like a missing one, and `mayChangeSettings` is the host's
 * maintainer rule). Without it a path is a plain namespace: it exists for the user when a
 * repository they may read lies under it, and they may change its settings when they may
 * delete there (`user.deletable`, the management API's rule for cleanup policies). Whether a
 * plain namespace exists is each page's own check ({@link hasVisibleRepository}, or its
 * listing being empty): the settings page needs none, a policy may be set before the first push.
 * @module
 */
import { explainInvalidName } from '@wharf/core';
import type { UiUser } from '../options.js';
import type { UiRoutes } from './context.js';

/** A group or project as the pages show it. */
export interface NamespaceView {
  readonly path: string;
  /** Its display name (the host's, else the last path segment). */
  readonly name: string;
  /** `null` for a plain namespace (no {@link UiNamespaces} from the host). */
  readonly kind: 'group' | 'project' | null;
  readonly registryEnabled: boolean;
  readonly mayChangeSettings: boolean;
}

/**
 * The namespace at `path` as `user` may see it, or `null` (invalid, missing or hidden alike).
 * A plain namespace is not checked for repositories here (see the module comment).
 */
export async function resolveNamespace(ui: UiRoutes, user: UiUser, path: string): Promise<NamespaceView | null> {
  if (explainInvalidName(path) !== null) return null;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  const hosted = ui.options.namespaces;
  if (hosted) {
    const ns = await hosted.describe(user, path);
    if (!ns) return null;
    return {
      path,
      name: ns.name ?? lastSegment,
      kind: ns.kind,
      registryEnabled: ns.kind === 'group' || ns.registryEnabled,
      mayChangeSettings: ns.mayChangeSettings,
    };
  }
  return { path, name: lastSegment, kind: null, registryEnabled: true, mayChangeSettings: await mayDelete(user, path) };
}

/** Whether `user` may delete under `path` (and so change its cleanup policy). */
export async function mayDelete(user: UiUser, path: string): Promise<boolean> {
  if (!user.deletable) return false;
  return (await user.deletable([path])).includes(path);
}

/** Whether a repository the user may read lies at or under `path`. */
export async function hasVisibleRepository(ui: UiRoutes, user: UiUser, path: string): Promise<boolean> {
  const page = await ui.management.listRepositories({ prefix: path, limit: 1, withSize: false, visible: user.visible });
  return page.items.length > 0;
}

/** The kind as a heading shows it. */
export function kindLabel(kind: NamespaceView['kind']): string {
  return kind === 'group' ? 'Group' : kind === 'project' ? 'Project' : 'Namespace';
}
