/**
 * {@link createAccessHooks}: the store as core's {@link AuthHooks}. Each call reads the
 * store's current state (one `stat` when nothing changed), so changes made by the admin API
 * or CLI, even in another process, apply to the next request.
 *
 * The hooks gate passwords (`gatesPasswords`): tokens are checked first, without the login
 * throttle, and only a password check asks it (authenticate.ts).
 * @module
 */
import { RegistryError, type AccessRequest, type AuthenticateContext, type AuthHooks, type Credentials, type Principal } from '@wharf/core';
import type { AccessStore } from '../store/access-store.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { type PasswordQueue, PasswordQueueFullError } from './password-queue.js';
import type { AccessPrincipal } from './principal.js';
import { type RepositoryResolution, resolveRepository } from './resolve-repository.js';

/** The hooks, plus the repository resolver the standalone server uses to explain refusals. */
export interface AccessHooks extends AuthHooks<Principal> {
  /**
   * Check credentials; `null` when wrong, revoked, expired or blocked.
   * @throws {RegistryError} `TOOMANYREQUESTS` when password hashing is saturated, or what `context.passwordAttempt` throws
   */
  authenticate(credentials: Credentials, context?: AuthenticateContext): Promise<AccessPrincipal | null>;
  /** Tokens are checked without the throttle; `context.passwordAttempt()` runs right before a password is hashed. */
  readonly gatesPasswords: true;
  /** The access `principal` (an {@link AccessPrincipal} or core's `ANONYMOUS`) gets among `requested`. */
  authorize(principal: Principal, requested: readonly AccessRequest[]): Promise<AccessRequest[]>;
  /** Which project a repository name belongs to, or why it belongs to none. */
  resolveRepository(name: string): Promise<RepositoryResolution>;
}

/** Options of {@link createAccessHooks}. */
export interface AccessHooksOptions {
  /** Where password checks queue (default the process's shared queue; see password-queue.ts). */
  readonly passwords?: PasswordQueue;
}

/**
 * Plug an {@link AccessStore} into core's token service.
 * @example
 * const store = await AccessStore.open(join(dataDir, 'access'));
 * const hooks = createAccessHooks(store);
 * const principal = await hooks.authenticate({ kind: 'password', username: 'alice', password });
 * const granted = await hooks.authorize(principal ?? ANONYMOUS, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
 */
export function createAccessHooks(store: AccessStore, options: AccessHooksOptions = {}): AccessHooks {
  return {
    gatesPasswords: true,
    async authenticate(credentials, context) {
      const input = {
        state: await store.state(),
        now: store.now(),
        passwordCost: store.passwordCost,
        ...(options.passwords ? { passwords: options.passwords } : {}),
        ...(context ? { beforePasswordCheck: context.passwordAttempt } : {}),
      };
      try {
        return await authenticate(input, credentials);
      } catch (error) {
        if (!(error instanceof PasswordQueueFullError)) throw error;
        throw new RegistryError('TOOMANYREQUESTS', error.message, { retryAfterSeconds: error.retryAfterSeconds });
      }
    },
    async authorize(principal, requested) {
      return authorize(await store.state(), principal, requested, store.now());
    },
    async resolveRepository(name) {
      return resolveRepository(await store.state(), name);
    },
  };
}
