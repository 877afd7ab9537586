/**
 * The standalone server's metadata database: what `WHARF_DATABASE_URL` names (unset: SQLite at
 * `WHARF_DATA/wharf.db`), brought up to this build's schema and holding the access model. Shared
 * by `wharf serve`, `wharf admin` and `wharf db`, so all three open it the same way.
 *
 * An access store from before the database (`WHARF_DATA/access/access.json`) is moved in on the
 * first start, when the database holds no access data yet; the file is then renamed
 * `access.json.imported` (kept as a backup, never read again). `wharf db import` does the same
 * on demand, and with `--replace` over a database that already has data.
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCESS_MIGRATIONS, AccessStore, type AccessTables, type ImportOutcome, importAccessDocument } from '@wharf/access';
import { migrateToLatest, openDatabase, type WharfDatabase, type WharfMigration } from '@wharf/db';
import type { Kysely } from 'kysely';
import { accessDir } from './data-dir.js';
import { type KeyTables, SIGNING_KEYS_MIGRATION } from './database-keys.js';
import { LOGIN_EVENTS_MIGRATION, type LoginTables } from './shared-login-throttle.js';
import { SESSIONS_MIGRATION, type SessionTables } from './web/session-store.js';

/** Every migration of this build, in order. */
export const WHARF_MIGRATIONS: readonly WharfMigration[] = [...ACCESS_MIGRATIONS, LOGIN_EVENTS_MIGRATION, SIGNING_KEYS_MIGRATION, SESSIONS_MIGRATION];

/** The tables of this build's database. */
export type MetadataTables = AccessTables & LoginTables & KeyTables & SessionTables;

/** The JSON access document of a data directory, and the name it gets once imported. */
export const accessJsonPath = (dataDir: string): string => join(accessDir(dataDir), 'access.json');
const importedPath = (dataDir: string): string => `${accessJsonPath(dataDir)}.imported`;

/** An open metadata database with the access store on it. */
export interface Metadata {
  readonly database: WharfDatabase<MetadataTables>;
  readonly store: AccessStore;
  /** The same database, typed as one part's tables (the throttle's, the keys'). */
  view<T>(): Kysely<T>;
  /** Lines worth printing at startup (which database; an import that happened). */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

/**
 * Import `dataDir`'s access.json into `store`, and rename the file once it is in.
 * @returns what happened, or `null` when there is no file
 */
export async function importAccessJson(store: AccessStore, dataDir: string, options: { readonly replace?: boolean } = {}): Promise<ImportOutcome | null> {
  if (!existsSync(accessJsonPath(dataDir))) return null;
  const json = await AccessStore.open(accessDir(dataDir));
  const outcome = await importAccessDocument(store, (await json.state()).document, options);
  await rename(accessJsonPath(dataDir), importedPath(dataDir));
  return outcome;
}

/**
 * Open, migrate and load: what a server or a command needs before it answers anything.
 * @throws SchemaTooNewError, MigrationError, DatabaseUnavailableError, DatabaseUrlError, AccessError
 */
export async function openMetadata(dataDir: string, options: { readonly url?: string; readonly passwordCost?: number } = {}): Promise<Metadata> {
  // SQLite's file lives in the data directory, which a first start may not have made yet.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase<MetadataTables>({ dataDir, ...(options.url ? { url: options.url } : {}) });
  try {
    const applied = await migrateToLatest(database.db, WHARF_MIGRATIONS);
    const store = await AccessStore.openDatabase(database as unknown as WharfDatabase<AccessTables>, options.passwordCost ? { passwordCost: options.passwordCost } : {});
    const notices = [`metadata: ${database.description}${applied.length > 0 ? `, migrated (${applied.join(', ')})` : ''}`];
    // The first start after an upgrade: the file's users, projects and tokens move in.
    if ((await store.state()).revision === 0) {
      const imported = await importAccessJson(store, dataDir);
      if (imported) notices.push(`moved the access store ${accessJsonPath(dataDir)} into the database (the file is now ${importedPath(dataDir)})`);
    } else if (existsSync(accessJsonPath(dataDir))) {
      notices.push(`${accessJsonPath(dataDir)} is not used: the database already holds the access data ("wharf db import --replace" would load the file over it)`);
    }
    // Each part knows its own tables only; the database holds them all (MetadataTables).
    const view = <T>() => database.db as unknown as Kysely<T>;
    return { database, store, view, notices, close: () => database.close() };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
