/**
 * What the registry page asks the standalone server: who is signed in and which repositories
 * they may read and delete (`currentUser`), and the groups and projects as they see them
 * (`namespaces`). Every answer comes from the access hooks' `authorize`, the same decision the
 * token service and the management API make, so the page can show nothing a `docker pull`
 * would be refused and offer no delete the API would refuse. Names are asked in batches (one
 * `authorize` call per list the page hands over).
 * @module
 */
import type { Context } from 'hono';
import { ANONYMOUS, type Principal, RegistryError, type VisibilityFilter } from '@wharf/core';
import { type AccessHooks, type AccessStore, describeNamespace } from '@wharf/access';
import type { UiNamespace, UiNamespaces, UiUser } from '@wharf/ui';
import { signedIn, type WebSessionOptions } from './web-session.js';

/** The names among `names` on which `principal` is granted `action`. */
export function grantedFilter(hooks: AccessHooks, principal: Principal, action: 'pull' | 'delete'): VisibilityFilter {
  return async (names) => {
    if (names.length === 0) return [];
    const granted = await hooks.authorize(
      principal,
      names.map((name) => ({ type: 'repository', name, actions: [action] })),
    );
    const allowed = new Set(granted.filter((g) => g.actions.includes(action) || g.actions.includes('*')).map((g) => g.name));
    return names.filter((n) => allowed.has(n));
  };
}

/** The page's user for this request: the session's, or anonymous (public projects only). */
export async function pageUser(c: Context, options: WebSessionOptions): Promise<UiUser> {
  const current = await signedIn(c, options);
  const principal: Principal = current?.principal ?? ANONYMOUS;
  return {
    name: current ? current.principal.username : null,
    visible: grantedFilter(options.hooks, principal, 'pull'),
    deletable: grantedFilter(options.hooks, principal, 'delete'),
    ...(current ? { csrfToken: current.session.csrf } : {}),
    principal,
  };
}

const principalOf = (user: UiUser): Principal => {
  const p = user.principal as Principal | undefined;
  return p && typeof p === 'object' && typeof p.subject === 'string' ? p : ANONYMOUS;
};

/** The access store's groups and projects for the page, as each user may see them. */
export function pageNamespaces(store: AccessStore): UiNamespaces {
  const describe = async (user: UiUser, path: string) => describeNamespace(await store.state(), principalOf(user), path, store.now());
  return {
    async describe(user, path): Promise<UiNamespace | null> {
      const view = await describe(user, path);
      if (!view) return null;
      return {
        kind: view.kind,
        path: view.path,
        name: view.path.slice(view.path.lastIndexOf('/') + 1),
        registryEnabled: view.registryEnabled,
        mayChangeSettings: view.mayChangeSettings,
      };
    },
    async setRegistryEnabled(user, path, enabled) {
      const view = await describe(user, path);
      if (view?.kind !== 'project') throw new RegistryError('NAME_UNKNOWN', `no project ${path.slice(0, 255)}`);
      if (!view.mayChangeSettings)
        throw new RegistryError('DENIED', 'turning the container registry on or off needs the maintainer or owner role');
      await store.setProjectRegistryAccessLevel(view.id, enabled ? 'enabled' : 'disabled');
    },
  };
}
