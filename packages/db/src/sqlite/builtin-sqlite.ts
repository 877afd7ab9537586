/**
 * Kysely's SQLite dialect over the runtime's own SQLite: `node:sqlite` on Node (22.13 and
 * later) and `bun:sqlite` on Bun, so the embedded default needs nothing installed and no native
 * module built at install time (npm does not run install scripts by default). Kysely's dialect
 * takes any `{ prepare, close }` shaped like better-sqlite3's; this adapts both bindings to it.
 *
 * Settings, and why:
 * - WAL: readers never block the writer, and the `wharf` command can write beside a running
 *   server;
 * - `busy_timeout`: a write that finds another process's write lock waits that long instead of
 *   failing at once. The wait is synchronous (it blocks the event loop), so it is kept short and
 *   the transaction helper retries `SQLITE_BUSY` asynchronously after it;
 * - `synchronous=NORMAL` in WAL: a power cut may lose the last commits, never corrupt the file
 *   (`FULL` on request: an fsync per commit);
 * - transactions start with `BEGIN IMMEDIATE`: they take the write lock up front, so a read
 *   transaction is never upgraded into a `SQLITE_BUSY` that cannot be retried.
 * Kysely runs one query at a time on this single connection (its SQLite adapter has no pool), so
 * a transaction holds the connection until it ends: code inside a transaction must use the
 * transaction, never the database, or it waits for itself.
 * @module
 */
import { open } from 'node:fs/promises';
import { CompiledQuery, type DatabaseConnection, type DialectAdapter, type Driver, SqliteAdapter, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

/** The part of `node:sqlite`'s DatabaseSync and `bun:sqlite`'s Database this uses. */
interface RawStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns?: () => unknown[];
  columnNames?: string[];
}
interface RawDatabase {
  prepare(sql: string): RawStatement;
  exec(sql: string): void;
  close(): void;
}

/** Options of {@link openBuiltinSqlite}. */
export interface BuiltinSqliteOptions {
  /** Milliseconds a write waits for another process's lock before `SQLITE_BUSY` (default 2000). */
  readonly busyTimeoutMs?: number;
  /** `FULL` syncs every commit to disk; default `NORMAL` (see the module comment). */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

const STATEMENT_CACHE = 500;
// Variables, so bundlers leave the runtimes' modules alone: Bun's on Node, and Node's, whose
// `node:` prefix esbuild would otherwise strip (a bare `sqlite` is some npm package's name).
const BUN_SQLITE = 'bun:sqlite';
const NODE_SQLITE = 'node:sqlite';

/** The runtime's SQLite, its name and version (for logs). */
async function openRaw(path: string): Promise<{ raw: RawDatabase; runtime: string; bun: boolean }> {
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
  if (bun) {
    const { Database } = (await import(BUN_SQLITE)) as { Database: new (path: string, options: object) => RawDatabase };
    return { raw: new Database(path, { create: true, strict: true }), runtime: 'bun:sqlite', bun };
  }
  const sqlite = await import(NODE_SQLITE).catch((error: unknown) => {
    throw new Error(
      `this Node (${process.version}) has no built-in SQLite (node:sqlite, Node 22.13 and later): run Wharf on a newer Node or on Bun, or set WHARF_DATABASE_URL=postgres://…`,
      { cause: error },
    );
  });
  const { DatabaseSync } = sqlite as unknown as { DatabaseSync: new (path: string) => RawDatabase };
  return { raw: new DatabaseSync(path), runtime: `node:sqlite ${process.versions.sqlite ?? ''}`.trim(), bun };
}

/**
 * Make the database file the owner's only (0600), creating it empty when missing: it holds
 * password and token hashes. SQLite gives its `-wal` and `-shm` files the main file's mode.
 */
async function ownerOnly(path: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}

/**
 * Open `path` (`:memory:` for a private in-memory database) with the runtime's SQLite.
 * @returns the database in the shape Kysely's SqliteDialect takes, and which binding it is
 */
export async function openBuiltinSqlite(path: string, options: BuiltinSqliteOptions = {}): Promise<{ database: SqliteDatabase; runtime: string }> {
  if (path !== ':memory:') await ownerOnly(path);
  const { raw, runtime, bun } = await openRaw(path);
  const busy = Math.max(0, Math.floor(options.busyTimeoutMs ?? 2000));
  raw.exec(
    `PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${busy}; PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'}; PRAGMA foreign_keys = ON;`,
  );
  // Kysely prepares every query it runs; the statements of a store are few and reused.
  const cache = new Map<string, SqliteStatement>();
  const database: SqliteDatabase = {
    close: () => raw.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = raw.prepare(sql);
      // `INSERT … RETURNING` has columns too: it must be read, not just run.
      const columns = bun ? (statement.columnNames?.length ?? 0) : (statement.columns?.().length ?? 0);
      const adapted: SqliteStatement = {
        reader: columns > 0,
        all: (parameters) => statement.all(...parameters),
        run: (parameters) => {
          const { changes, lastInsertRowid } = statement.run(...parameters);
          return { changes, lastInsertRowid };
        },
        iterate: (parameters) => statement.iterate(...parameters),
      };
      if (cache.size >= STATEMENT_CACHE) cache.clear();
      cache.set(sql, adapted);
      return adapted;
    },
  };
  return { database, runtime };
}

/**
 * SQLite runs DDL inside transactions (Kysely's adapter says it does not, to be safe with every
 * binding): saying so makes each migration run in one `BEGIN IMMEDIATE` transaction, so a failed
 * migration leaves nothing half made and two processes starting at once migrate one at a time.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite dialect, with transactions that take the write lock when they begin. */
export class BuiltinSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}
