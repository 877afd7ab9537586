/**
 * GitLab REST v4: protected and immutable container tag rules (being written).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';

export function protectionRoutes(_table: RouteTable, _deps: ApiDeps): void {}
