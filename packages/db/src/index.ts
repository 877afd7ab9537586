/**
 * @wharf/db: Wharf's metadata database — embedded SQLite by default, PostgreSQL for several
 * servers — behind one Kysely interface, with versioned migrations.
 * @module
 */
export { openDatabase, type OpenDatabaseOptions, type WharfDatabase } from './open-database.js';
export { DatabaseUrlError, describeTarget, parseDatabaseUrl, redactUrl, SQLITE_FILE, type DatabaseTarget } from './database-url.js';
export { classifyDatabaseError, DatabaseUnavailableError, isDatabaseUnavailable, meansUnavailable } from './errors.js';
export { appliedMigrations, assertSchemaNotNewer, MIGRATION_TABLE, type MigrationDb, MigrationError, migrateToLatest, SchemaTooNewError, type WharfMigration } from './migrate.js';
export { writeTransaction } from './transaction.js';
