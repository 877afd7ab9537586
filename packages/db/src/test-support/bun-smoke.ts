/**
 * Run by Bun (bun-sqlite.test.ts): open a SQLite database with Bun's own binding, migrate, write
 * in transactions, read back, and print what happened as one JSON line. Vitest runs on Node, so
 * this is how the `bun:sqlite` path is exercised.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../migrate.js';
import { openDatabase } from '../open-database.js';

interface Schema {
  items: { id: string; n: number; flag: boolean | number };
}

const dataDir = await mkdtemp(join(tmpdir(), 'wharf-bun-db-'));
try {
  const database = await openDatabase<Schema>({ url: 'sqlite:smoke.db', dataDir });
  const applied = await migrateToLatest(database.db, [
    {
      name: '0001_items',
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addColumn('flag', 'boolean', (c) => c.notNull())
          .execute();
      },
    },
  ]);
  await database.db.insertInto('items').values({ id: 'a', n: 0, flag: true }).execute();
  await Promise.all(
    Array.from({ length: 20 }, () =>
      database.write(async (tx) => {
        const { n } = await tx.selectFrom('items').select('n').where('id', '=', 'a').executeTakeFirstOrThrow();
        await tx.updateTable('items').set({ n: n + 1 }).where('id', '=', 'a').execute();
      }),
    ),
  );
  const row = await database.db.selectFrom('items').selectAll().executeTakeFirstOrThrow();
  await database.ping();
  console.log(JSON.stringify({ description: database.description, applied, row: { ...row, flag: Boolean(row.flag) } }));
  await database.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
