/**
 * {@link createAccessHooks}: the store as core's {@link AuthHooks}. Each call reads the
 * store's current state (one `stat` when nothing changed), so changes made by the admin API
 * or CLI, even in another process, apply to the next request.
 * @module
 */
import type { AccessRequest, AuthHooks, Credentials, Principal } from '@wharf/core';
import type { AccessStore } from '../store/access-store.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import type { AccessPrincipal } from './principal.js';
import { type RepositoryResolution, resolveRepository } from './resolve-repository.js';

/** The hooks, plus the repository resolver the standalone server uses to explain refusals. */
export interface AccessHooks extends AuthHooks<Principal> {
  /** Check credentials; `null` when wrong, revoked, expired or blocked. */
  authenticate(credentials: Credentials): Promise<AccessPrincipal | null>;
  /** The access `principal` (an {@link AccessPrincipal} or core's `ANONYMOUS`) gets among `requested`. */
  authorize(principal: Principal, requested: readonly AccessRequest[]): Promise<AccessRequest[]>;
  /** Which project a repository name belongs to, or why it belongs to none. */
  resolveRepository(name: string): Promise<RepositoryResolution>;
}

/**
 * Plug an {@link AccessStore} into core's token service.
 * @example
 * const store = await AccessStore.open(join(dataDir, 'access'));
 * const hooks = createAccessHooks(store);
 * const principal = await hooks.authenticate({ kind: 'password', username: 'alice', password });
 * const granted = await hooks.authorize(principal ?? ANONYMOUS, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
 */
export function createAccessHooks(store: AccessStore): AccessHooks {
  return {
    async authenticate(credentials) {
      return authenticate({ state: await store.state(), now: store.now(), passwordCost: store.passwordCost }, credentials);
    },
    async authorize(principal, requested) {
      return authorize(await store.state(), principal, requested, store.now());
    },
    async resolveRepository(name) {
      return resolveRepository(await store.state(), name);
    },
  };
}
