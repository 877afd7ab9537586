/**
 * GitLab REST v4: personal access tokens, deploy tokens and CI jobs (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function tokenRoutes(_table: RouteTable, _deps: ApiDeps): void {}
