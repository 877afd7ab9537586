/**
 * The registry's call context for an API caller: who is asking, as the access model names
 * credentials (`user:<id>` / `job:<id>`, with the token or job as `session`), so the registry's
 * hooks and its tag protection judge an API call exactly as they judge the same caller on `/v2`.
 * @module
 */
import type { CallContext } from '@wharf/core';
import type { Caller } from '../auth/caller.js';

/** The principal the registry sees for `caller`; `undefined` for anonymous callers. */
export function registryPrincipal(caller: Caller): { subject: string; session?: string } | undefined {
  switch (caller.kind) {
    case 'anonymous':
      return undefined;
    case 'user':
      return { subject: `user:${caller.user.id}`, ...(caller.token ? { session: caller.token.id } : {}) };
    case 'job':
      return { subject: `job:${caller.job.id}`, session: caller.job.id };
  }
}

/** The `CallContext` for registry calls made on behalf of `caller`. */
export function registryContext(caller: Caller): CallContext {
  const principal = registryPrincipal(caller);
  return principal ? { principal } : {};
}
