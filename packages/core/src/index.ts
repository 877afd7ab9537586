/**
 * @wharf/core — an OCI distribution registry as a Hono app over a pluggable storage driver.
 * @module
 */
export { createRegistry, type Registry } from './registry.js';
export type { RegistryOptions, RegistryLimits } from './registry-options.js';
export * from './hooks.js';
export { RegistryApi, type CallContext } from './api/registry-api.js';
export type { TagAction, TagChange, TagChangeOrigin, TagProtection, TagState } from './api/tag-protection.js';
export * from './errors/index.js';
export * from './storage/index.js';
export * from './storage/memory-driver.js';
export * from './digest.js';
export * from './names.js';
export { MEDIA_TYPES } from './manifests/media-types.js';
export { parseManifest, isManifestMediaType } from './manifests/parse.js';
export type { ParsedManifest } from './manifests/parsed-manifest.js';
export type { Descriptor } from './manifests/descriptor.js';
export type { Reference, StoredManifest } from './manifests/manifest-store.js';
export { ROUTES, type RouteName } from './router/routes.js';
export { requiredAccess } from './router/access.js';
export * from './auth/index.js';
export { rawTargetProblem } from './router/raw-path.js';
export { formatAccessLine, type AccessRecord } from './router/access-line.js';
export type { FetchApp, ListenInfo, ServeOptions, ServerLimits } from './router/serve-contract.js';
export {
  readJsonBody,
  isJsonContentType,
  crossSiteProblem,
  isUnsafeMethod,
  JSON_BODY_MAX_BYTES,
  type JsonBodyOptions,
  type CrossSiteOptions,
} from './router/json-request.js';
export {
  RegistryManagement,
  type ListRepositoriesQuery,
  type ListTagsQuery,
  type RepositoryItem,
  type TagDetails,
  type BulkDeleteResult,
} from './management/registry-management.js';
export type { RepositorySummary } from './management/repository-index.js';
export type { TagRecord } from './management/tag-records.js';
export type { RepositoryDeletion } from './management/repository-deletions.js';
export { everythingVisible, type VisibilityFilter } from './management/visibility.js';
export { createManagementRoutes, type ManagementAuthorizer, type ManagementRoutesOptions } from './router/management/routes.js';
export { NamespaceQuota, type QuotaOptions } from './quota/namespace-quota.js';
export * from './lifecycle/cleanup/index.js';
export * from './gc/index.js';
export * from './events/index.js';
