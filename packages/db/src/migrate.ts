/**
 * Versioned migrations, as code: one ordered list whose names are the schema's history
 * (`0001_access`, `0002_sessions`, …). Each migration is written once with Kysely's schema
 * builder and portable column types, so it serves SQLite and PostgreSQL alike. They run on start
 * (and by `wharf db migrate`), up only, all pending ones in one transaction: a failure leaves
 * the schema as it was before the run. Several servers starting at once apply each exactly once
 * (Kysely takes an advisory lock on PostgreSQL; on SQLite `BEGIN IMMEDIATE` serialises them, and
 * the one that waited past the busy timeout tries again and finds nothing left to do).
 *
 * A database migrated by a newer Wharf holds migrations this one does not know: it is refused
 * before anything runs ({@link SchemaTooNewError}), since this build would read tables it does
 * not understand. Kysely's own error for that case names no versions.
 * @module
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { classifyDatabaseError } from './errors.js';
import { asksForRetry, pause } from './transaction.js';

/**
 * The database as a migration sees it: as it was at that step, not as today's table types say
 * (so untyped, once, here).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type MigrationDb = Kysely<any>;

/** One step of the schema's history. */
export interface WharfMigration extends Migration {
  /** Sorts the history: `0001_access`, `0002_…`. */
  readonly name: string;
}

export const MIGRATION_TABLE = 'wharf_migrations';
const LOCK_TABLE = 'wharf_migrations_lock';

/** The database's schema is newer than this build's. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly unknown: readonly string[],
    readonly latestKnown: string | null,
  ) {
    super(
      `the database schema is newer than this Wharf: it has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, and this Wharf knows up to ${latestKnown ?? 'none'}; run the newer Wharf, or upgrade this one`,
    );
  }
}

/** A migration that failed; nothing of that run stays applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The names of the migrations applied to `db`, in order; `[]` for a new database. */
export async function appliedMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  try {
    const schema = await currentSchema(db);
    const tables = await db.introspection.getTables();
    // PostgreSQL lists the tables of every schema: only ours counts.
    if (!tables.some((t) => t.name === MIGRATION_TABLE && (schema === undefined || t.schema === schema))) return [];
    const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch (error) {
    throw classifyDatabaseError(error, 'reading the schema version');
  }
}

/** PostgreSQL's schema the connection works in (its `search_path`); `undefined` on SQLite. */
async function currentSchema<DB>(db: Kysely<DB>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

/** @throws SchemaTooNewError when `db` has migrations `migrations` does not know */
export async function assertSchemaNotNewer<DB>(db: Kysely<DB>, migrations: readonly WharfMigration[]): Promise<void> {
  const known = new Set(migrations.map((m) => m.name));
  const unknown = (await appliedMigrations(db)).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new SchemaTooNewError(unknown, sortedNames(migrations).at(-1) ?? null);
}

function sortedNames(migrations: readonly WharfMigration[]): string[] {
  return migrations.map((m) => m.name).sort();
}

/**
 * Bring `db` up to the last of `migrations`.
 * @returns the names applied now (empty when it was up to date)
 * @throws SchemaTooNewError, MigrationError naming the failed migration (nothing of the run is
 *   applied), DatabaseUnavailableError
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, migrations: readonly WharfMigration[]): Promise<string[]> {
  const names = sortedNames(migrations);
  if (new Set(names).size !== names.length) throw new MigrationError('two migrations have one name');
  await assertSchemaNotNewer(db, migrations);
  const byName = Object.fromEntries(migrations.map((m) => [m.name, { up: m.up, ...(m.down ? { down: m.down } : {}) }]));
  // Named explicitly on PostgreSQL: Kysely looks for its tables in every schema otherwise, and
  // would take another schema's for ours.
  const schema = await currentSchema(db).catch((error: unknown) => {
    throw classifyDatabaseError(error, 'migrating');
  });
  const migrator = new Migrator({
    // Migrations see the schema as it is at their step, not the final typed schema.
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => byName },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: LOCK_TABLE,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  // Another process migrating holds SQLite's write lock: wait for it, then find the work done.
  let outcome = await migrator.migrateToLatest();
  for (let attempt = 1; outcome.error && asksForRetry(outcome.error) && attempt < 5; attempt++) {
    await pause(attempt);
    await assertSchemaNotNewer(db, migrations);
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const classified = classifyDatabaseError(error, 'migrating');
    if (classified !== error) throw classified;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(failed ? `migration ${failed} failed: ${reason}` : `migrating failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
