import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DatabaseUnavailableError } from './errors.js';
import { appliedMigrations, assertSchemaNotNewer, MigrationError, migrateToLatest, SchemaTooNewError, type WharfMigration } from './migrate.js';
import { openDatabase } from './open-database.js';
import { openTestDatabase, type TestDatabase, testBackend } from './testing.js';

// Runs on SQLite in the unit project and on PostgreSQL in the postgres project (WHARF_TEST_DB).
const { backend, skip } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');

interface Schema {
  counters: { id: string; n: number; updated_at: number };
  notes: { id: string; body: string; pinned: boolean | number };
}

const createCounters: WharfMigration = {
  name: '0001_counters',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('counters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
const createNotes: WharfMigration = {
  name: '0002_notes',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('pinned', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
};
const broken: WharfMigration = {
  name: '0003_broken',
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('half').addColumn('id', 'text', (c) => c.primaryKey()).execute();
    await sql`select * from no_such_table`.execute(db);
  },
};

const opened: TestDatabase<Schema>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.drop()));
});

async function fresh(): Promise<TestDatabase<Schema>> {
  const database = await openTestDatabase<Schema>(backend);
  opened.push(database);
  return database;
}

describe.skipIf(skip)(`the metadata database on ${backend.kind}`, () => {
  it('should apply the migrations once, in order, and report what it applied', async () => {
    const { db } = await fresh();
    expect(await appliedMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db, [createNotes, createCounters])).toEqual(['0001_counters', '0002_notes']);
    expect(await migrateToLatest(db, [createCounters, createNotes])).toEqual([]);
    expect(await appliedMigrations(db)).toEqual(['0001_counters', '0002_notes']);
    await db.insertInto('notes').values({ id: 'a', body: 'hello', pinned: true }).execute();
    const note = await db.selectFrom('notes').selectAll().where('id', '=', 'a').executeTakeFirstOrThrow();
    expect({ ...note, pinned: Boolean(note.pinned) }).toEqual({ id: 'a', body: 'hello', pinned: true });
  });

  it('should apply each migration exactly once when two servers start at the same moment', async () => {
    const first = await fresh();
    const second = await openDatabase<Schema>({ url: first.url, dataDir: first.dataDir, ...(first.schema ? { schema: first.schema } : {}) });
    try {
      const results = await Promise.all([migrateToLatest(first.db, [createCounters, createNotes]), migrateToLatest(second.db, [createCounters, createNotes])]);
      expect(results.flat().sort()).toEqual(['0001_counters', '0002_notes']);
    } finally {
      await second.close();
    }
  });

  it('should refuse a schema newer than this build, naming the migrations it does not know, and run nothing', async () => {
    const { db } = await fresh();
    await migrateToLatest(db, [createCounters, createNotes]);
    await expect(assertSchemaNotNewer(db, [createCounters])).rejects.toThrow(SchemaTooNewError);
    const error = await migrateToLatest(db, [createCounters]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect((error as Error).message).toBe(
      'the database schema is newer than this Wharf: it has migration 0002_notes, and this Wharf knows up to 0001_counters; run the newer Wharf, or upgrade this one',
    );
  });

  it('should stop at a failing migration, naming it, and leave the schema as it was before the run', async () => {
    const { db } = await fresh();
    await migrateToLatest(db, [createCounters]);
    const error = await migrateToLatest(db, [createCounters, createNotes, broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/^migration 0003_broken failed: /);
    expect(await appliedMigrations(db)).toEqual(['0001_counters']);
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('half');
    expect(tables).not.toContain('notes');
  });

  it('should keep every one of 40 concurrent read-modify-write transactions', async () => {
    const database = await fresh();
    await migrateToLatest(database.db, [createCounters]);
    await database.db.insertInto('counters').values({ id: 'c', n: 0, updated_at: 0 }).execute();
    const bump = () =>
      database.write(async (tx) => {
        const row = await tx
          .selectFrom('counters')
          .select('n')
          .where('id', '=', 'c')
          .$if(database.dialect === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        await tx.updateTable('counters').set({ n: Number(row.n) + 1, updated_at: Date.now() }).where('id', '=', 'c').execute();
      });
    await Promise.all(Array.from({ length: 40 }, bump));
    const { n, updated_at } = await database.db.selectFrom('counters').selectAll().where('id', '=', 'c').executeTakeFirstOrThrow();
    expect(n).toBe(40);
    expect(typeof updated_at).toBe('number'); // 64-bit times come back as numbers on both backends
  });

  it('should roll a failed write back whole', async () => {
    const database = await fresh();
    await migrateToLatest(database.db, [createCounters]);
    await expect(
      database.write(async (tx) => {
        await tx.insertInto('counters').values({ id: 'x', n: 1, updated_at: 1 }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await database.db.selectFrom('counters').selectAll().execute()).toEqual([]);
  });

  it('should answer a ping', async () => {
    const database = await fresh();
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

describe.runIf(!skip && backend.kind === 'postgres')('an unreachable PostgreSQL', () => {
  it('should be reported as unavailable, not as a crash', async () => {
    const database = await openDatabase<Schema>({ url: 'postgres://postgres@127.0.0.1:1/wharf', dataDir: '/nonexistent' });
    try {
      const error = await database.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toMatch(/the database is unavailable \(a ping\): .*ECONNREFUSED|connect/);
      const read = await database.read((db) => db.selectFrom('counters').selectAll().execute()).catch((e: unknown) => e);
      expect(read).toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await database.close();
    }
  });
});
