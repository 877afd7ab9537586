/**
 * GitLab REST v4 tokens: personal access tokens (personal-access-token-routes.ts), deploy
 * tokens (deploy-token-routes.ts) and CI jobs with their job tokens (job-routes.ts).
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';
import { deployTokenRoutes } from './deploy-token-routes.js';
import { jobRoutes } from './job-routes.js';
import { personalAccessTokenRoutes } from './personal-access-token-routes.js';

/** Declare the personal access token, deploy token and job endpoints. */
export function tokenRoutes(table: RouteTable, deps: ApiDeps): void {
  personalAccessTokenRoutes(table, deps);
  deployTokenRoutes(table, deps);
  jobRoutes(table, deps);
}
