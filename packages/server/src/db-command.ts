/**
 * `wharf db [--data DIR] status|migrate|import [--replace]`: the metadata database from the
 * command line — which database `WHARF_DATABASE_URL` names (without its password), how far its
 * schema is, bringing it up to date, and moving an `access.json` from before the database in.
 * Safe while servers run: migrations take the database's migration lock, an import is one
 * transaction.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { AccessStore, type AccessTables } from '@wharf/access';
import { appliedMigrations, migrateToLatest, openDatabase, type WharfDatabase } from '@wharf/db';
import { takeDataDir } from './admin-command.js';
import { type CommandIo, processIo } from './command-io.js';
import { accessJsonPath, importAccessJson, WHARF_MIGRATIONS } from './metadata-db.js';

const USAGE = `Usage: wharf db [--data DIR] <command>

  status             the database (WHARF_DATABASE_URL, else SQLite in DIR/wharf.db),
                     its applied and pending migrations
  migrate            apply the pending migrations (wharf serve does it on start)
  import [--replace] move DIR/access/access.json (the store before the database) in;
                     a second run changes nothing; --replace loads it over other data

DIR: --data, WHARF_DATA or ./data
`;

async function status(database: WharfDatabase<AccessTables>, io: CommandIo): Promise<number> {
  const applied = await appliedMigrations(database.db);
  const known = WHARF_MIGRATIONS.map((m) => m.name);
  const pending = known.filter((name) => !applied.includes(name));
  const unknown = applied.filter((name) => !known.includes(name));
  io.out(`database: ${database.description}\n`);
  io.out(`applied:  ${applied.length > 0 ? applied.join(', ') : 'none'}\n`);
  io.out(`pending:  ${pending.length > 0 ? pending.join(', ') : 'none'}\n`);
  if (unknown.length > 0) {
    io.out(`newer:    ${unknown.join(', ')} (a newer Wharf migrated this database; this one refuses to serve it)\n`);
    return 1;
  }
  return 0;
}

/** `wharf db …`; resolves with the exit status. */
export async function runDbCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const parsed = takeDataDir(argv, process.env, process.cwd());
  if (typeof parsed === 'string') {
    io.err(`wharf db: ${parsed}\n`);
    return 2;
  }
  const [command, ...extra] = parsed.rest;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const replace = command === 'import' && extra.length === 1 && extra[0] === '--replace';
  const valid = (command === 'status' || command === 'migrate' || command === 'import') && (extra.length === 0 || replace);
  if (!valid) {
    io.err(`wharf db: ${command === undefined ? 'missing command' : `unknown arguments "${parsed.rest.join(' ')}"`}\n\n${USAGE}`);
    return 2;
  }
  let database: WharfDatabase<AccessTables> | undefined;
  try {
    await mkdir(parsed.dataDir, { recursive: true, mode: 0o700 });
    database = await openDatabase<AccessTables>({ dataDir: parsed.dataDir });
    if (command === 'status') return await status(database, io);
    const applied = await migrateToLatest(database.db, WHARF_MIGRATIONS);
    if (command === 'migrate') {
      io.out(applied.length > 0 ? `applied ${applied.join(', ')} to ${database.description}\n` : `${database.description} is up to date\n`);
      return 0;
    }
    const store = await AccessStore.openDatabase(database);
    const outcome = await importAccessJson(store, parsed.dataDir, { replace });
    if (outcome === null) {
      io.out(`nothing to import: there is no ${accessJsonPath(parsed.dataDir)}\n`);
      return 0;
    }
    const said = { imported: 'imported', 'already-imported': 'already held everything in', replaced: 'replaced the access data of the database with' }[outcome];
    io.out(`${database.description}: ${said} ${accessJsonPath(parsed.dataDir)} (renamed to access.json.imported)\n`);
    return 0;
  } catch (error) {
    io.err(`wharf db: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await database?.close();
  }
}
