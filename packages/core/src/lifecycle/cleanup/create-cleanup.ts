/** One call that wires cleanup policies to a registry. @module */
import type { RegistryApi } from '../../api/registry-api.js';
import { bulkDeleteTags, type BulkDeleteOptions, type BulkDeleteResult } from './bulk-delete.js';
import { CleanupScheduler, type CleanupSchedulerOptions } from './scheduler.js';
import { CleanupPolicyStore } from './store.js';
import { registryCleanupTarget, type CleanupTarget, type RegistryCleanupTargetOptions } from './target.js';
import type { CleanupRunner } from './runner.js';

export interface CleanupOptions extends Omit<CleanupSchedulerOptions, 'policies' | 'target'>, RegistryCleanupTargetOptions {}

export interface Cleanup {
  /** Read, save, list and delete policies; read run records (`state(project).runs`). */
  readonly policies: CleanupPolicyStore;
  readonly target: CleanupTarget;
  /** Run a policy now, or dry-run it. */
  readonly runner: CleanupRunner;
  /** `start()` it to run due policies every `intervalMs`. */
  readonly scheduler: CleanupScheduler;
  /** GitLab's bulk delete for one repository, see {@link bulkDeleteTags}. */
  bulkDelete(repository: string, params: unknown, options?: BulkDeleteOptions): Promise<BulkDeleteResult>;
}

/**
 * Cleanup policies over a registry's storage and API. The clock defaults to the registry's,
 * and each run is reported to the registry's `onCleanupRun` hook (and to `onCleanup`).
 * @example
 * const registry = createRegistry({ storage });
 * const cleanup = createCleanup(registry.api, { onCleanup: (e) => log(e) });
 * await cleanup.policies.save('team/app', { enabled: true, keep_n: 5, older_than: '14d' });
 * cleanup.scheduler.start();
 */
export function createCleanup(api: RegistryApi, options: CleanupOptions = {}): Cleanup {
  const { principal, concurrency, paused, ...rest } = options;
  const now = options.now ?? api.options.now;
  const policies = new CleanupPolicyStore(api.options.storage, now ? { now } : {});
  const target = registryCleanupTarget(api, {
    ...(principal !== undefined ? { principal } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(paused ? { paused } : {}),
  });
  const scheduler = new CleanupScheduler({ hooks: api.hooks, ...rest, ...(now ? { now } : {}), policies, target });
  return {
    policies,
    target,
    runner: scheduler.runner,
    scheduler,
    bulkDelete: (repository, params, opts = {}) => bulkDeleteTags(target, repository, params, { ...(now ? { now: now() } : {}), ...opts }),
  };
}
