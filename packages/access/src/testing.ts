/**
 * Test support (`@wharf/access/testing`): the access store on the backend a test run asks for,
 * so the same suites check the metadata database on SQLite and on PostgreSQL. `WHARF_TEST_ACCESS`
 * picks: unset or `database`, the metadata database — SQLite in the test's directory, or
 * PostgreSQL (a schema of its own, dropped by {@link closeTestStores}) when the backend given
 * says so (see `@wharf/db/testing`); `json`, the JSON file store the server used before the
 * database (still read by `wharf db import`).
 *
 * Opening the same directory twice reopens the same store (a restart), on either backend.
 * @module
 */
import { join } from 'node:path';
import { migrateToLatest, openDatabase, type WharfDatabase } from '@wharf/db';
import { openTestDatabase, type TestBackend, type TestDatabase } from '@wharf/db/testing';

/** Which database a test run uses (re-exported, so packages above access need not know @wharf/db). */
export { testBackend, type TestBackend } from '@wharf/db/testing';
import { AccessStore, type AccessStoreOptions } from './store/access-store.js';
import { ACCESS_MIGRATIONS, type AccessTables } from './store/sql/access-tables.js';

/** Which store the suites run on. */
export function testStoreKind(): 'json' | 'database' {
  const kind = process.env.WHARF_TEST_ACCESS ?? 'database';
  if (kind !== 'json' && kind !== 'database') throw new Error(`WHARF_TEST_ACCESS must be json or database, not ${kind}`);
  return kind;
}

/** PostgreSQL schemas made for directories, so a reopen finds its data. */
const postgresByDir = new Map<string, Promise<TestDatabase<AccessTables>>>();
const open: WharfDatabase<AccessTables>[] = [];

async function databaseFor(dir: string, backend: TestBackend): Promise<WharfDatabase<AccessTables>> {
  if (backend.kind === 'sqlite') {
    const database = await openDatabase<AccessTables>({ url: `sqlite:${join(dir, 'wharf.db')}`, dataDir: dir });
    open.push(database);
    return database;
  }
  const made = postgresByDir.get(dir);
  if (!made) {
    // set at once: two stores opened together on one directory share one database
    const creating = openTestDatabase<AccessTables>(backend);
    postgresByDir.set(dir, creating);
    return creating;
  }
  const first = await made;
  const again = await openDatabase<AccessTables>({ url: first.url, dataDir: dir, ...(first.schema ? { schema: first.schema } : {}) });
  open.push(again);
  return again;
}

/**
 * The access store of `dir` on the backend {@link testStoreKind} names.
 * @param backend where `database` stores live (SQLite unless the run is PostgreSQL's)
 */
export async function openTestStoreOn(dir: string, options: AccessStoreOptions, backend: TestBackend = { kind: 'sqlite' }): Promise<AccessStore> {
  if (testStoreKind() === 'json') return AccessStore.open(dir, options);
  const database = await databaseFor(dir, backend);
  await migrateToLatest(database.db, ACCESS_MIGRATIONS);
  const { lock: _lock, ...rest } = options;
  return AccessStore.openDatabase(database, rest);
}

/** Close every database the stores opened, and drop PostgreSQL's schemas; call after each test. */
export async function closeTestStores(): Promise<void> {
  await Promise.all(open.splice(0).map((d) => d.close()));
  const made = [...postgresByDir.values()];
  postgresByDir.clear();
  await Promise.all(made.map(async (d) => (await d).drop()));
}
