/**
 * @wharf/access — GitLab's access model for a Wharf registry: users, nested groups, projects
 * with visibility, members with roles, personal access tokens, deploy tokens and CI job
 * tokens, in a crash-safe store shared by several processes. It plugs into core's token
 * service through {@link createAccessHooks}, and comes with an admin REST API
 * ({@link createAdminApi}) and admin CLI commands ({@link runAdminCommand}).
 * @module
 */
export {
  AccessStore,
  type AccessStoreOptions,
  type CreateUserInput,
  type UpdateUserInput,
  type MemberInfo,
  type NewDeployToken,
  type NewPersonalAccessToken,
  type TargetSelector,
  type DocumentBackend,
} from './store/access-store.js';
export { ACCESS_MIGRATIONS, type AccessTables } from './store/sql/access-tables.js';
export { importAccessDocument, type ImportOutcome } from './store/sql/import-document.js';
export type { LockOptions } from './store/file-lock.js';
export { AccessError, isAccessError, type AccessErrorCode } from './model/access-error.js';
export { AccessState } from './model/access-state.js';
export * from './model/roles.js';
export type { NewNamespace } from './model/namespaces.js';
export { explainInvalidUsername, explainInvalidPath, CI_USERNAMES } from './model/names.js';
export { DEFAULT_JOB_MAX_DURATION_MS, MAX_JOB_DURATION_MS } from './model/jobs.js';
export { MAX_EXPIRY_MS } from './model/expiry.js';
export type { ReadonlyAccessDocument } from './model/access-state.js';
export { decodeDocument, encodeDocument, type DocumentProblem } from './model/document-codec.js';
export type {
  AccessDocument,
  AccessFile,
  DeployTokenRecord,
  GroupRecord,
  JobRecord,
  MemberRecord,
  MemberTarget,
  PersonalAccessTokenRecord,
  ProjectRecord,
  UserRecord,
} from './model/schema.js';
export type { DeployTokenInfo, JobInfo, PersonalAccessTokenInfo, TokenState, UserInfo } from './model/views.js';
export { createAccessHooks, type AccessHooks, type AccessHooksOptions } from './auth/access-hooks.js';
export {
  PasswordQueue,
  PasswordQueueFullError,
  PASSWORD_QUEUE_DEFAULTS,
  sharedPasswordQueue,
  type PasswordQueueOptions,
} from './auth/password-queue.js';
export { isAccessPrincipal, type AccessPrincipal, type AccessPrincipalKind } from './auth/principal.js';
export { resolveRepository, MAX_IMAGE_DEPTH, type RepositoryResolution } from './auth/resolve-repository.js';
export { allowedActions, effectiveRole, SCOPE_ACTIONS, type RegistryAction } from './auth/permissions.js';
export type { CredentialContext } from './auth/credential-context.js';
export { checkPasswordCredentials, type AuthenticationInput } from './auth/authenticate.js';
export { jobTokenCredential, personalAccessTokenCredential } from './auth/token-credentials.js';
export { describeNamespace, describeNamespaceForUser, explainRegistryOff, type NamespaceView } from './auth/namespace-view.js';
export { registryAccessLevel, registryEnabled, registryMembersOnly } from './model/namespaces.js';
export { TOKEN_PREFIXES } from './auth/secrets.js';
export { bootstrapAdmin, BOOTSTRAP_ADMIN, type BootstrapResult } from './bootstrap.js';
export { createAdminApi, ADMIN_BODY_MAX_BYTES, type AdminApiOptions } from './admin-api/admin-api.js';
export type { FailedLogin, LoginThrottleLike } from './admin-api/basic-auth.js';
export { runAdminCommand, type AdminCommandIO } from './cli/admin-command.js';
export {
  createTagRule,
  deleteTagRule,
  explainInvalidTagNamePattern,
  isImmutableRule,
  MAX_TAG_NAME_PATTERN_LENGTH,
  MAX_TAG_RULES_PER_PROJECT,
  ruleMatches,
  rulesMatching,
  TAG_RULE_LEVELS,
  tagRulesOf,
  updateTagRule,
  type NewTagRule,
  type TagRuleLevel,
  type TagRulePatch,
  type TagRuleRecord,
} from './model/tag-rules.js';
export { createTagPolicy, levelReaches, refusalFor, tagActor, type TagActor, type TagActorLevel } from './auth/tag-policy.js';
