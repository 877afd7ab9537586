/**
 * Test support (`@wharf/db/testing`): one database per test, on the backend the test run asks
 * for, so the same test file checks SQLite and PostgreSQL. `WHARF_TEST_DB=postgres` (set by the
 * `postgres` vitest project) selects PostgreSQL at the URL given (each database is a schema of
 * its own, dropped at the end); otherwise SQLite in a temporary directory.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { openDatabase, type WharfDatabase } from './open-database.js';
import { openPostgresPool } from './postgres/pool.js';

/** Which backend a test runs on. */
export type TestBackend = { readonly kind: 'sqlite' } | { readonly kind: 'postgres'; readonly url: string };

/**
 * The backend of this test run: PostgreSQL at `postgresUrl` when `WHARF_TEST_DB=postgres`, else
 * SQLite. When PostgreSQL is asked for but there is none (not root, no `WHARF_TEST_PG_URL`),
 * `skip` is set and the reason printed loudly: the file's tests skip rather than fail on a
 * developer's machine (CI runs as root and always has one).
 * @param missing why there is no URL
 */
export function testBackend(postgresUrl: string, missing = 'no PostgreSQL URL'): { readonly backend: TestBackend; readonly skip: boolean } {
  if (process.env.WHARF_TEST_DB !== 'postgres') return { backend: { kind: 'sqlite' }, skip: false };
  if (!postgresUrl) {
    console.warn(`\n!!! SKIPPING the PostgreSQL run of the database tests: ${missing} !!!\n`);
    return { backend: { kind: 'sqlite' }, skip: true };
  }
  return { backend: { kind: 'postgres', url: postgresUrl }, skip: false };
}

/** A database for one test, and how to throw it away. */
export interface TestDatabase<DB> extends WharfDatabase<DB> {
  /** What `WHARF_DATABASE_URL` (with `schema` for PostgreSQL) reopens the same database. */
  readonly url: string;
  readonly dataDir: string;
  readonly schema: string | undefined;
  /** Close it and delete everything it held. */
  drop(): Promise<void>;
}

/**
 * A second connection to `database`, as another server would open it. Both share this test's
 * one thread, where SQLite's synchronous busy wait would stall the writer it waits for: the
 * second does not wait (`busyTimeoutMs` 0), it retries as the write path does on SQLITE_BUSY.
 * The caller closes it.
 */
export function reopenTestDatabase<DB>(database: TestDatabase<DB>, options: { readonly busyTimeoutMs?: number } = {}): Promise<WharfDatabase<DB>> {
  return openDatabase<DB>({ url: database.url, dataDir: database.dataDir, busyTimeoutMs: options.busyTimeoutMs ?? 0, ...(database.schema ? { schema: database.schema } : {}) });
}

/** A fresh, empty database on `backend`. */
export async function openTestDatabase<DB>(backend: TestBackend): Promise<TestDatabase<DB>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-db-'));
  if (backend.kind === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'test.db')}`;
    const database = await openDatabase<DB>({ url, dataDir });
    return {
      ...database,
      url,
      dataDir,
      schema: undefined,
      drop: async () => {
        await database.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: await openPostgresPool(backend.url, { max: 1 }) }) });
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  const database = await openDatabase<DB>({ url: backend.url, dataDir, schema });
  return {
    ...database,
    url: backend.url,
    dataDir,
    schema,
    drop: async () => {
      await database.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
