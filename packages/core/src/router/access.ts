/**
 * Request → required access, as a pure function of the route, method and query. The
 * authorization hook sees its result; nothing here knows who is calling.
 * @module
 */
import type { AccessRequest, Action } from '../hooks.js';
import type { Method, RouteName } from './routes.js';

export interface RequiredAccess {
  readonly required: AccessRequest[];
  readonly optional: AccessRequest[];
}

const repo = (name: string, ...actions: Action[]): AccessRequest => ({ type: 'repository', name, actions });

/**
 * The access a request needs.
 * @param name the repository from the path (already validated), when the route has one.
 */
export function requiredAccess(route: RouteName, method: Method, name: string | undefined, query: URLSearchParams): RequiredAccess {
  const none: RequiredAccess = { required: [], optional: [] };
  switch (route) {
    case 'base':
      return none;
    case 'catalog':
      return { required: [{ type: 'registry', name: 'catalog', actions: ['*'] }], optional: [] };
    default:
      break;
  }
  if (name === undefined) return none;
  if (method === 'GET' || method === 'HEAD') return { required: [repo(name, 'pull')], optional: [] };
  if (method === 'DELETE' && route !== 'blob-upload') return { required: [repo(name, 'delete')], optional: [] };
  // Every write (uploads, manifest PUT, upload cancel) needs push, and pull as Docker asks for both.
  const from = route === 'blob-upload-start' ? query.get('from') : null;
  return { required: [repo(name, 'pull', 'push')], optional: from ? [repo(from, 'pull')] : [] };
}
