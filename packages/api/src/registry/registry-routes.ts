/**
 * GitLab REST v4: container registry repositories and tags (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function registryRoutes(_table: RouteTable, _deps: ApiDeps): void {}
