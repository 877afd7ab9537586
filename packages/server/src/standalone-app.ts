/**
 * The standalone server's application: the registry over `<data>` and, with token auth (the
 * default), everything around it — the token service at `/auth`, GitLab's REST API at `/api/v4`
 * (`@wharf/api`), the earlier admin API at `/api/v1` (deprecated: an alias kept for old scripts),
 * GitLab-style users, projects and tokens and the signing keys in the metadata database
 * (metadata-db.ts: SQLite `<data>/wharf.db`, or PostgreSQL by `WHARF_DATABASE_URL`).
 *
 * Everything else, from `/` down, is the registry page (`@wharf/ui`) with its sign-in at
 * `/-/sign_in` (see web/registry-page.ts); it is mounted last, so `/auth`, `/api/v1` and `/v2`
 * answer exactly as they would without it.
 *
 * Layout of the data directory:
 * - `wharf/v1/…`: the registry's content (FsStorage);
 * - `wharf.db`: the metadata database when it is SQLite (mode 0600);
 * - `access/access.json.imported`, `auth/keys.json`: the access store and the signing keys from
 *   before the database, taken over by it on the first start.
 *
 * With `WHARF_STORAGE=s3://BUCKET[/PREFIX]` the registry's content (`wharf/v1/…`) lives in that
 * bucket instead.
 * @module
 */
import { Hono } from 'hono';
import { type ClientAddress, combineHooks, createBearerAuthorizer, createRegistry, createTokenService, createTokenVerifier, isTemporarilyUnavailable, toResponse } from '@wharf/core';
import { bootstrapAdmin, createAccessHooks, createAdminApi, createTagPolicy, explainRegistryOff, PasswordQueue, registryEnabled } from '@wharf/access';
import { createGitLabApi } from '@wharf/api';
import { FsStorage } from '@wharf/storage-fs';
import type { StorageDriver } from '@wharf/core';
import type { ServeConfig } from './config.js';
import { accessDir, keyFilePath } from './data-dir.js';
import { type Metadata, openMetadata } from './metadata-db.js';
import { type LoginTables, SharedLoginThrottle } from './shared-login-throttle.js';
import { DatabaseKeys, type KeyTables } from './database-keys.js';
import { quotaFor } from './quota-config.js';
import { createManagementAuthorizer } from './management-auth.js';
import { createStandaloneWebhook } from './webhook-config.js';
import { scheduleGcFromEnv } from './gc-command.js';
import { loadRuntimeAdapter } from './runtime.js';
import { mountOpenRegistryPage, mountRegistryPage } from './web/registry-page.js';
import { type SessionTables, SessionStore } from './web/session-store.js';

export { accessDir, keyFilePath };

/** The tokens' audience and the challenge's `service`. */
export const SERVICE = 'wharf-registry';
/** When `/api/v1` was deprecated in favour of `/api/v4` (seconds since the epoch: 2026-12-05). */
export const V1_DEPRECATED_AT = 1_796_428_800;

/** The tokens' issuer. */
export const ISSUER = 'wharf-token-service';

export interface StandaloneApp {
  readonly app: { fetch(request: Request, ...rest: unknown[]): Response | Promise<Response> };
  /** Lines to print once at startup (the generated admin password). */
  readonly notices: readonly string[];
  /** Stops the background work (schedules, webhook deliveries) after waiting for deletions and collections the API started; call it once the server has closed. */
  close(): Promise<void>;
}

/** Options of {@link createStandaloneApp}. */
export interface StandaloneAppOptions {
  /** Background work's reports (webhook, scheduled GC); default stderr. */
  readonly log?: (line: string) => void;
  /**
   * A request's client address, for the failed-login throttle: the `getConnInfo` of the adapter
   * that serves the app. Default: the adapter of the runtime this process runs on.
   */
  readonly clientAddress?: ClientAddress;
}

/**
 * Build the application for `config` (the data directory must exist).
 * @example
 * const standalone = await createStandaloneApp({ dataDir, auth: 'token' });
 * const server = await serve(standalone.app, { port: 5000 }); // @wharf/adapter-node
 */
export async function createStandaloneApp(
  config: Pick<ServeConfig, 'dataDir' | 'auth' | 'publicUrl' | 'adminPassword' | 'quotas' | 'webhook' | 'storage' | 'login'>,
  options: StandaloneAppOptions = {},
): Promise<StandaloneApp> {
  const { storage, redirects, release } = await openStorage(config);
  const quotas = config.quotas;
  const quota = quotas ? { quota: { bytesFor: (namespace: string) => quotaFor(quotas, namespace) } } : {};
  // WHARF_WEBHOOK_URL: registry events POSTed to a webhook through a queue in the data directory.
  const webhook = config.webhook ? createStandaloneWebhook(storage, config.webhook, config.publicUrl, options.log ?? (() => {})) : undefined;
  const webhookNotices = webhook ? [webhook.notice] : [];
  // WHARF_GC_INTERVAL: collect garbage on a schedule (online; see gc-command.ts).
  const gc = scheduleGcFromEnv(storage, process.env, { ...(options.log ? { log: options.log } : {}), ...(webhook ? { hooks: webhook.sink.hooks } : {}) });
  const gcNotices = gc ? [gc.notice] : [];
  // Browser pages served from WHARF_PUBLIC_URL may call the management and admin APIs (behind a proxy whose Host differs).
  const trusted = config.publicUrl ? { trustedOrigins: [new URL(config.publicUrl).origin] } : {};
  // Cleanup policies run on their schedules (checked every minute) in the server process.
  let cleanupScheduler: { start(): void; stop(): Promise<void> } | undefined;
  // Deletions and collections the management API started and answered 202 for.
  let background: { settled(): Promise<void> } | undefined;
  // The metadata database (users, projects, tokens …), closed last.
  let metadata: Metadata | undefined;
  const close = async (): Promise<void> => {
    await cleanupScheduler?.stop();
    await background?.settled();
    await gc?.schedule.stop();
    await webhook?.sink.stop();
    await metadata?.close();
    release();
  };
  if (config.auth === 'none') {
    const open = createRegistry({ storage, redirects, ...quota, ...(webhook ? { hooks: webhook.sink.hooks } : {}) });
    const app = new Hono();
    app.route('/api/v1/registry', open.managementRoutes(trusted));
    app.route('/', open.app);
    mountOpenRegistryPage(app, { management: open.management, publicUrl: config.publicUrl, trustedOrigins: trusted.trustedOrigins });
    cleanupScheduler = open.management.cleanup.scheduler;
    background = open.management.background;
    cleanupScheduler.start();
    webhook?.sink.start();
    return { app, notices: [...gcNotices, ...webhookNotices], close };
  }

  metadata = await openMetadata(config.dataDir);
  const { store } = metadata;
  const admin = await bootstrapAdmin(store, config.adminPassword ? { password: config.adminPassword } : {});
  // Shared by every server on the database; a data directory's keys.json from before it is taken over.
  const keys = await DatabaseKeys.open(metadata.view<KeyTables>(), keyFilePath(config.dataDir));
  // WHARF_LOGIN_LIMITS: one throttle and one hashing queue for every place that checks passwords.
  // Counted in the database, so every server behind one load balancer shares the counts.
  const throttle = new SharedLoginThrottle(metadata.view<LoginTables>(), config.login?.throttle);
  const clientAddress = options.clientAddress ?? (await loadRuntimeAdapter()).clientAddress;
  const passwords = new PasswordQueue(config.login?.passwords);
  const accessHooks = createAccessHooks(store, { passwords });
  const tokens = createTokenService({ issuer: ISSUER, service: SERVICE, keys: keys.ring, hooks: accessHooks, throttle, clientAddress });
  const verifier = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys: keys.ring });
  const realm = (request: Request) => `${config.publicUrl ?? new URL(request.url).origin}/auth/token`;
  const genericHint =
    'either the repository does not exist or you may not access it; image paths are <group>/<project> followed by at most three more levels, and pushing needs the developer role (or a write_registry token)';
  // A project whose registry is turned off is named as such, to those who may see the project.
  const deniedHint = async ({ access, subject }: { access: { type: string; name: string }; subject: string }) =>
    (access.type === 'repository' ? explainRegistryOff(await store.state(), subject, access.name, store.now()) : null) ?? genericHint;
  // Turning a project's registry off deletes nothing: cleanup policies leave its repositories alone meanwhile.
  const paused = async (repository: string) => {
    const resolved = await accessHooks.resolveRepository(repository);
    return 'project' in resolved && !registryEnabled(resolved.project);
  };
  const registry = createRegistry({
    storage,
    redirects,
    ...quota,
    cleanup: { paused },
    // Protected and immutable tags: the projects' tag rules, on /v2 and every management path.
    tagProtection: createTagPolicy(store),
    hooks: combineHooks({ onAuthorize: createBearerAuthorizer({ realm, service: SERVICE, verifier, deniedHint }) }, webhook?.sink.hooks),
  });

  const app = new Hono();
  // A key rotation made by `wharf keys rotate` or another server shows up within seconds. A
  // database that cannot answer leaves the ring as it was: pulls with valid tokens go on.
  let refreshFailed = false;
  app.use('*', async (_c, next) => {
    await keys.refresh().then(
      () => {
        refreshFailed = false;
      },
      (error: unknown) => {
        if (!refreshFailed) (options.log ?? console.error)(`wharf: could not look for rotated signing keys: ${(error as Error).message}`);
        refreshFailed = true;
      },
    );
    await next();
  });
  // What no route answered itself (a database that cannot answer, mostly): the registry's error body and status.
  app.onError((error, c) => {
    if (!isTemporarilyUnavailable(error) && !c.req.raw.signal.aborted) console.error('wharf: unexpected error', error);
    return toResponse(error, c.req.method);
  });
  app.route('/auth', tokens.app);
  // GitLab's REST API v4 (users, groups, projects, tokens, the container registry), as the user guide automates it.
  app.route('/api/v4', createGitLabApi({ store, management: registry.management, throttle, passwords, clientAddress, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), ...trusted }));
  // /api/v1 is the earlier admin and management API, kept as a deprecated alias of /api/v4 for
  // scripts written against it; it says so on every answer (RFC 9745's Deprecation header) and
  // is to be removed. No successor Link: clients of /api/v1 read its Link header as pagination.
  app.use('/api/v1/*', async (c, next) => {
    await next();
    c.res.headers.set('Deprecation', `@${V1_DEPRECATED_AT}`);
  });
  // Before the admin API: its Basic-auth middleware covers /api/v1/*.
  app.route('/api/v1/registry', registry.managementRoutes({ authorize: createManagementAuthorizer(accessHooks, verifier, throttle, clientAddress), ...trusted }));
  app.route('/api/v1', createAdminApi(store, { throttle, passwords, clientAddress, ...trusted }));
  app.route('/', registry.app);
  mountRegistryPage(app, {
    management: registry.management,
    publicUrl: config.publicUrl,
    trustedOrigins: trusted.trustedOrigins,
    store,
    hooks: accessHooks,
    sessions: SessionStore.open(metadata.view<SessionTables>()),
    throttle,
    clientAddress,
  });

  const notices = admin.created && !config.adminPassword
    ? [`created user "admin" with password ${admin.password} (shown once; set WHARF_ADMIN_PASSWORD on a fresh data directory to choose it)`]
    : admin.created
      ? ['created user "admin" with the password from WHARF_ADMIN_PASSWORD']
      : [];
  cleanupScheduler = registry.management.cleanup.scheduler;
  background = registry.management.background;
  cleanupScheduler.start();
  webhook?.sink.start();
  return { app, notices: [...metadata.notices, ...notices, ...gcNotices, ...webhookNotices], close };
}

/**
 * The registry's storage: the data directory, or the S3 bucket of `WHARF_STORAGE` (created when
 * missing; credentials, region and endpoint from the AWS SDK's standard environment).
 */
export async function openStorage(
  config: Pick<ServeConfig, 'dataDir' | 'storage'>,
): Promise<{ storage: StorageDriver; redirects: boolean; release: () => void }> {
  if (config.storage?.kind !== 's3') return { storage: new FsStorage({ root: config.dataDir }), redirects: false, release: () => {} };
  // Imported only when used: loading the AWS SDK takes about a third of a second.
  const { S3Storage } = await import('@wharf/storage-s3');
  const expiresIn = config.storage.redirectSeconds;
  const s3 = new S3Storage({ bucket: config.storage.bucket, prefix: config.storage.prefix, ...(expiresIn ? { redirect: { expiresIn } } : {}) });
  await s3.ensureBucket();
  return { storage: s3, redirects: expiresIn !== undefined, release: () => s3.destroy() };
}
