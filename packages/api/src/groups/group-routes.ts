/**
 * GitLab REST v4: groups (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function groupRoutes(_table: RouteTable, _deps: ApiDeps): void {}
