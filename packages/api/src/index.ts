/**
 * `@wharf/api`: GitLab's REST API v4 over Wharf's access model and registry (see gitlab-api.ts).
 * @module
 */
export { API_BODY_MAX_BYTES, apiRoutes, createGitLabApi, type GitLabApiOptions } from './gitlab-api.js';
export { openApiDocument } from './http/openapi.js';
export type { RouteDefinition } from './http/route-table.js';
