/**
 * `authorize`: principal × requested access → granted access. The principal's subject and
 * session are re-checked against the current state first (a revoked token grants nothing,
 * even mid-request); then each repository is resolved to its project and granted the
 * requested actions the credential is allowed there. Unknown repositories, unreadable ones
 * and invalid names all grant nothing, so a denied pull looks exactly like a pull of
 * something that does not exist.
 * @module
 */
import type { AccessRequest, Action, Principal } from '@wharf/core';
import type { AccessState } from '../model/access-state.js';
import { credentialContext } from './credential-context.js';
import { allowedActions, mayListCatalog, REGISTRY_ACTIONS, type RegistryAction } from './permissions.js';
import { resolveRepository } from './resolve-repository.js';

function grantActions(wanted: readonly Action[], allowed: Set<RegistryAction>): Action[] {
  const granted = new Set<Action>();
  for (const action of wanted) {
    if (action !== '*') {
      if (allowed.has(action)) granted.add(action);
    } else if (REGISTRY_ACTIONS.every((a) => allowed.has(a))) {
      granted.add('*');
    } else {
      for (const a of allowed) granted.add(a);
    }
  }
  return [...granted];
}

/**
 * The access granted to `principal` (possibly anonymous) among `requested`.
 * @returns one entry per granted resource, with only the granted actions
 */
export function authorize(state: AccessState, principal: Principal, requested: readonly AccessRequest[], now: Date): AccessRequest[] {
  const anonymous = principal.anonymous === true || principal.subject === '';
  const context = anonymous ? null : credentialContext(state, principal.subject, principal.session, now);
  if (!anonymous && context === null) return [];
  const granted: AccessRequest[] = [];
  for (const request of requested) {
    let actions: Action[] = [];
    if (request.type === 'registry') {
      if (request.name === 'catalog' && mayListCatalog(context)) actions = [...request.actions];
    } else {
      const resolved = resolveRepository(state, request.name);
      if ('project' in resolved) actions = grantActions(request.actions, allowedActions(state, context, resolved.project));
    }
    if (actions.length > 0) granted.push({ type: request.type, name: request.name, actions });
  }
  return granted;
}
