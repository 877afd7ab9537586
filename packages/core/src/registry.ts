/**
 * `createRegistry`: the one entry point a host calls.
 * @module
 */
import type { Hono } from 'hono';
import { RegistryApi } from './api/registry-api.js';
import { RegistryManagement } from './management/registry-management.js';
import { createManagementRoutes, type ManagementRoutesOptions } from './router/management/routes.js';
import type { RegistryOptions } from './registry-options.js';
import { resolveLimits } from './router/context.js';
import { createRegistryApp } from './router/app.js';
import { guard } from './storage/guard.js';

export interface Registry {
  /** Serves the distribution API under `/v2/`. Mount it with `host.route('/', registry.app)`. */
  readonly app: Hono;
  /** The same logic, callable from the host's code. */
  readonly api: RegistryApi;
  /** Repositories, tags, deletes and usage for registry pages and automation. */
  readonly management: RegistryManagement;
  /**
   * The management API's HTTP routes (see `router/management/routes.ts`); mount them where the host
   * likes, e.g. `host.route('/api/registry', registry.managementRoutes())`.
   */
  managementRoutes(options?: ManagementRoutesOptions): Hono;
}

/**
 * Create a registry.
 * @example
 * import { Hono } from 'hono';
 * import { createRegistry } from '@wharf/core';
 * import { FsStorage } from '@wharf/storage-fs';
 *
 * const registry = createRegistry({ storage: new FsStorage({ root: './data' }) });
 * const app = new Hono();
 * app.route('/', registry.app);
 */
export function createRegistry(options: RegistryOptions): Registry {
  const storage = guard(options.storage);
  const api = new RegistryApi({ storage, ...(options.hooks ? { hooks: options.hooks } : {}), deletes: options.deletes ?? true, ...(options.now ? { now: options.now } : {}), ...(options.quota ? { quota: options.quota } : {}), ...(options.tagProtection ? { tagProtection: options.tagProtection } : {}) });
  const app = createRegistryApp(api, { limits: resolveLimits(options.limits), redirects: options.redirects ?? false });
  const management = new RegistryManagement(api, options.cleanup ? { cleanup: options.cleanup } : {});
  return { app, api, management, managementRoutes: (routeOptions) => createManagementRoutes(management, routeOptions) };
}
