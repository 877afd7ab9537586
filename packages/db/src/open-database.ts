/**
 * {@link openDatabase}: the metadata database `WHARF_DATABASE_URL` names, as one Kysely
 * instance whatever the backend, with the few things that differ kept here: how to connect, how
 * a write transaction is retried, how "the database cannot answer" is recognised.
 * @module
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { type DatabaseTarget, describeTarget, parseDatabaseUrl } from './database-url.js';
import { classifyDatabaseError, DatabaseUnavailableError } from './errors.js';
import { openPostgresPool, type PostgresPoolOptions } from './postgres/pool.js';
import { BuiltinSqliteDialect, type BuiltinSqliteOptions, openBuiltinSqlite } from './sqlite/builtin-sqlite.js';
import { writeTransaction } from './transaction.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions extends BuiltinSqliteOptions, Omit<PostgresPoolOptions, 'schema'> {
  /** `WHARF_DATABASE_URL` (default: that variable; unset means SQLite in `dataDir`). */
  readonly url?: string;
  /** The data directory, for the default SQLite file and relative SQLite paths. */
  readonly dataDir: string;
  /** PostgreSQL: the schema to work in (default the server's `search_path`, normally `public`). */
  readonly schema?: string;
}

/** An open metadata database. */
export interface WharfDatabase<DB> {
  /** The query builder. Inside {@link write}, use the transaction it passes instead. */
  readonly db: Kysely<DB>;
  readonly dialect: 'sqlite' | 'postgres';
  /** For startup lines: `SQLite /data/wharf.db (node:sqlite 3.50.4)`; no password. */
  readonly description: string;
  /** Run `work` as one transaction, retried when the database asks (see transaction.ts). */
  write<T>(work: (tx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Run a read, with a database that cannot answer reported as `DatabaseUnavailableError`. */
  read<T>(work: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Check that the database answers within `timeoutMs` (readiness). @throws DatabaseUnavailableError */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function dialectFor(target: DatabaseTarget, options: OpenDatabaseOptions) {
  if (target.kind === 'sqlite') {
    const { database, runtime } = await openBuiltinSqlite(target.path, options).catch((error: unknown) => {
      throw classifyDatabaseError(error, `opening ${target.path}`);
    });
    return { dialect: new BuiltinSqliteDialect({ database }), detail: runtime };
  }
  const pool = await openPostgresPool(target.url, { ...options, ...(options.schema ? { schema: options.schema } : {}) });
  return { dialect: new PostgresDialect({ pool }), detail: options.schema ? `schema ${options.schema}` : '' };
}

/**
 * Open the metadata database. Nothing is migrated here: call `migrateToLatest` with the
 * server's migrations once it is open.
 * @throws DatabaseUrlError for an unusable URL; DatabaseUnavailableError when SQLite's file
 *   cannot be opened (PostgreSQL connects on first use, and a ping says whether it answers)
 */
export async function openDatabase<DB>(options: OpenDatabaseOptions): Promise<WharfDatabase<DB>> {
  const target = parseDatabaseUrl(options.url ?? process.env.WHARF_DATABASE_URL, options.dataDir);
  const { dialect, detail } = await dialectFor(target, options);
  const db = new Kysely<DB>({ dialect });
  const description = detail ? `${describeTarget(target)} (${detail})` : describeTarget(target);
  return {
    db,
    dialect: target.kind,
    description,
    write: (work) => writeTransaction(db, work),
    read: async (work) => {
      try {
        return await work(db);
      } catch (error) {
        throw classifyDatabaseError(error, 'a read');
      }
    },
    async ping(timeoutMs = 2_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DatabaseUnavailableError(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), timeout]);
      } catch (error) {
        throw classifyDatabaseError(error, 'a ping');
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => db.destroy(),
  };
}
