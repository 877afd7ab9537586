/**
 * Cleanup policies: GitLab's tag cleanup for Wharf projects (repository path prefixes), its
 * bulk tag delete, the runner with a time budget and resume, and the scheduler.
 * @module
 */
export { CleanupPolicyError, type CleanupIssue } from './errors.js';
export { compileTagPattern, explainInvalidPattern, MAX_PATTERN_LENGTH, type PatternField, type TagPattern } from './patterns.js';
export {
  CADENCES,
  KEEP_N_VALUES,
  OLDER_THAN_VALUES,
  cadenceMs,
  parseDuration,
  type Cadence,
  type KeepN,
  type OlderThan,
} from './durations.js';
export {
  DEFAULT_CLEANUP_POLICY,
  assertValidProject,
  inProject,
  parseCleanupPolicy,
  rulesOf,
  type CleanupPolicy,
  type CleanupPolicyInput,
  type StoredCleanupPolicy,
} from './policy.js';
export { planCleanup, type CleanupPlan, type CleanupRules, type CleanupTag, type KeptReason } from './plan.js';
export {
  CleanupPolicyStore,
  MAX_RECORDED_TAGS,
  scheduleOf,
  type CleanupCursor,
  type CleanupPolicyStoreOptions,
  type CleanupRunRecord,
  type CleanupState,
} from './store.js';
export { acquireLease, type Lease, type LeaseOptions } from './lease.js';
export { registryCleanupTarget, type CleanupTarget, type RegistryCleanupTargetOptions } from './target.js';
export { CleanupRunner } from './runner.js';
export {
  DEFAULT_CLEANUP_BUDGET_MS,
  MAX_RUN_RECORDS,
  type CleanupEvent,
  type CleanupRunnerOptions,
  type CleanupRunOptions,
  type CleanupRunResult,
  type RepositoryPlan,
} from './run-options.js';
export { CleanupScheduler, type CleanupSchedulerOptions, type DueCleanup } from './scheduler.js';
export {
  bulkDeleteTags,
  parseBulkDeleteParams,
  type BulkDeleteOptions,
  type BulkDeleteParams,
  type BulkDeleteResult,
} from './bulk-delete.js';
export { createCleanup, type Cleanup, type CleanupOptions } from './create-cleanup.js';
