/**
 * GitLab REST v4: members of groups and projects (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function memberRoutes(_table: RouteTable, _deps: ApiDeps): void {}
