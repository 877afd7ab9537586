/**
 * Token scopes (Docker's auth-scope.md): `repository:team/app:pull,push`, `registry:catalog:*`.
 *
 * Parsing is strict, because scopes decide what a token may do: an unknown resource type, an
 * invalid repository name or an unknown action is dropped, never guessed at, and the same
 * resource asked for twice is merged into one request (so repeating `scope` cannot widen
 * anything). The deprecated resource class (`repository(plugin)`) is accepted and ignored, as
 * the spec says.
 * @module
 */
import type { AccessRequest, Action } from '../hooks.js';
import { explainInvalidName } from '../names.js';

const ACTIONS: ReadonlySet<string> = new Set<Action>(['pull', 'push', 'delete', '*']);
/** `type` or `type(class)`. */
const RESOURCE_TYPE = /^([a-z0-9]+)(?:\([a-z0-9]+\))?$/;
/** Upper bound on scopes per request: a docker push names two; hundreds are an attack. */
export const MAX_SCOPES = 32;

/**
 * Parse `scope` values (each may hold several scopes separated by spaces).
 * @returns the valid scopes, one entry per resource, actions merged and de-duplicated.
 */
export function parseScopes(values: readonly string[]): AccessRequest[] {
  const merged = new Map<string, { type: AccessRequest['type']; name: string; actions: Set<Action> }>();
  for (const value of values) {
    for (const item of value.split(' ')) {
      if (merged.size >= MAX_SCOPES) break;
      const scope = parseScope(item);
      if (!scope) continue;
      const key = `${scope.type}:${scope.name}`;
      const entry = merged.get(key) ?? { type: scope.type, name: scope.name, actions: new Set<Action>() };
      for (const action of scope.actions) entry.actions.add(action);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].map(({ type, name, actions }) => ({ type, name, actions: sortActions(actions) }));
}

/** Parse one scope, or `null` when it is not one this registry understands. */
export function parseScope(text: string): AccessRequest | null {
  // The name may contain ':' only in a registry host prefix (`host:5000/name`), which this
  // registry does not serve; so the type is before the first ':' and the actions after the last.
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) return null;
  const typeMatch = RESOURCE_TYPE.exec(text.slice(0, first));
  const name = text.slice(first + 1, last);
  const actions = text
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  if (!typeMatch || actions.length === 0 || !actions.every((a) => ACTIONS.has(a))) return null;
  const type = typeMatch[1];
  if (type === 'repository') {
    if (explainInvalidName(name) !== null) return null;
    return { type: 'repository', name, actions: sortActions(actions as Action[]) };
  }
  if (type === 'registry' && name === 'catalog') return { type: 'registry', name, actions: sortActions(actions as Action[]) };
  return null;
}

/** `repository:team/app:pull,push`. */
export function formatScope(access: AccessRequest): string {
  return `${access.type}:${access.name}:${access.actions.join(',')}`;
}

/**
 * What of `requested` is also in `granted`, action by action (a granted `*` covers every
 * action of its resource; a requested `*` is kept only when `*` itself was granted). The result
 * never holds an action or a resource that was not requested.
 */
export function intersectAccess(requested: readonly AccessRequest[], granted: readonly AccessRequest[]): AccessRequest[] {
  const out: AccessRequest[] = [];
  for (const want of requested) {
    const allowed = new Set<Action>();
    for (const g of granted) {
      if (g.type !== want.type || g.name !== want.name) continue;
      for (const action of want.actions) {
        if (g.actions.includes(action) || (g.actions.includes('*') && action !== '*')) allowed.add(action);
        if (action === '*' && g.actions.includes('*')) allowed.add('*');
      }
    }
    if (allowed.size > 0) out.push({ type: want.type, name: want.name, actions: sortActions(allowed) });
  }
  return out;
}

/** Whether `granted` covers `wanted` (a `*` grant covers every action). */
export function covers(granted: readonly AccessRequest[], wanted: AccessRequest): boolean {
  return wanted.actions.every((action) =>
    granted.some((g) => g.type === wanted.type && g.name === wanted.name && (g.actions.includes(action) || g.actions.includes('*'))),
  );
}

const ORDER: readonly Action[] = ['pull', 'push', 'delete', '*'];

function sortActions(actions: Iterable<Action>): Action[] {
  const set = new Set(actions);
  return ORDER.filter((a) => set.has(a));
}
