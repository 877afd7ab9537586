/**
 * GitLab REST v4: users and the current user (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function userRoutes(_table: RouteTable, _deps: ApiDeps): void {}
