/**
 * Options of {@link createRegistry}. Kept apart from the factory so adapters and hosts can
 * import the types alone.
 * @module
 */
import type { CleanupOptions } from './lifecycle/cleanup/create-cleanup.js';
import type { StorageDriver } from './storage/driver.js';
import type { RegistryHooks } from './hooks.js';
import type { QuotaOptions } from './quota/namespace-quota.js';
import type { TagProtection } from './api/tag-protection.js';

/** Size limits. */
export interface RegistryLimits {
  /** Largest manifest body accepted, in bytes (default 4 MiB); larger → 413. */
  readonly manifestMaxBytes?: number;
  /** Most tags accepted in one manifest PUT via `?tag=` (default 100); more → 414. */
  readonly maxTagsPerPut?: number;
  /** Largest page for tags list and catalog (default 10 000). */
  readonly maxPageSize?: number;
}

export interface RegistryOptions {
  /** Where everything is stored. Core wraps it in a guard. */
  readonly storage: StorageDriver;
  /** Authorization hook and event listeners. */
  readonly hooks?: RegistryHooks;
  readonly limits?: RegistryLimits;
  /** Allow DELETE of manifests, tags and blobs (default true). When false: 405 UNSUPPORTED. */
  readonly deletes?: boolean;
  /**
   * Redirect blob GETs to the driver's presigned URL when it offers one (default false).
   */
  readonly redirects?: boolean;
  /** The clock for tag and manifest times (default: the system clock); for tests. */
  readonly now?: () => Date;
  /**
   * Per-namespace storage quotas: `bytesFor(namespace)` gives the limit (or null). A blob,
   * mount or manifest push that would go over is refused with 403 DENIED; the count is exact
   * across processes sharing the storage. See quota/namespace-quota.ts.
   */
  readonly quota?: QuotaOptions;
  /**
   * How cleanup policies run (the management API's `cleanup`): e.g. `paused` repositories,
   * whose tags no policy touches for now.
   */
  readonly cleanup?: CleanupOptions;
  /**
   * Protected and immutable tags (GitLab's protected container tags): asked before a tag is
   * pushed, moved or deleted — on `/v2`, through the API and the management API — and by
   * cleanup policies and bulk deletes, which keep the tags it protects. Without it every tag
   * may be changed by whoever may push or delete. See api/tag-protection.ts.
   */
  readonly tagProtection?: TagProtection;
}
