/**
 * `wharf admin …` and `wharf keys …`: the standalone server's administration from the command
 * line, against the same data directory as `wharf serve` (`--data`, else `WHARF_DATA`, else
 * `./data`) and the same metadata database (`WHARF_DATABASE_URL`, else SQLite in the data
 * directory). Both are safe while the server runs: each change is one database transaction,
 * and a server reloads a rotated key file within seconds.
 * @module
 */
import { resolve } from 'node:path';
import { type CommandIo, processIo } from './command-io.js';
import { keyFilePath } from './data-dir.js';
import type { Metadata } from './metadata-db.js';

/** Split a leading `--data <dir>` / `--data=<dir>` off the arguments. */
export function takeDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): { dataDir: string; rest: string[] } | string {
  const rest = [...argv];
  let dir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--data') {
      dir = rest[i + 1];
      if (dir === undefined || dir === '') return '--data needs a directory';
      rest.splice(i, 2);
      break;
    }
    if (arg.startsWith('--data=')) {
      dir = arg.slice('--data='.length);
      if (dir === '') return '--data needs a directory';
      rest.splice(i, 1);
      break;
    }
  }
  return { dataDir: resolve(cwd, dir ?? (env.WHARF_DATA || 'data')), rest };
}

/** `wharf admin [--data DIR] <noun> <verb> …`; see `wharf admin --help`. */
export async function runAdminCli(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const parsed = takeDataDir(argv, process.env, process.cwd());
  if (typeof parsed === 'string') {
    io.err(`wharf admin: ${parsed}\n`);
    return 2;
  }
  const { runAdminCommand } = await import('@wharf/access');
  const lines = { out: (line: string) => io.out(`${line}\n`), err: (line: string) => io.err(`${line}\n`) };
  const first = parsed.rest[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    // Help needs no store; the usage says where the data directory comes from.
    if (first !== undefined) io.out('Usage: wharf admin [--data DIR] <noun> <verb> [options]   (DIR: --data, WHARF_DATA or ./data)\n\n');
    return runAdminCommand(parsed.rest, { store: undefined as never, ...lines });
  }
  return withMetadata('wharf admin', parsed.dataDir, io, (metadata) => runAdminCommand(parsed.rest, { store: metadata.store, ...lines }));
}

/**
 * Run `work` on the data directory's metadata database (opened and migrated as `wharf serve`
 * would, closed after), printing what opening it did (an import) to stderr.
 * @returns `work`'s exit status, or 1 when the database cannot be opened
 */
async function withMetadata(command: string, dataDir: string, io: CommandIo, work: (metadata: Metadata) => Promise<number>): Promise<number> {
  const { openMetadata } = await import('./metadata-db.js');
  let metadata: Metadata;
  try {
    metadata = await openMetadata(dataDir);
  } catch (error) {
    io.err(`${command}: cannot open the metadata database of ${dataDir}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const notice of metadata.notices.slice(1)) io.err(`${command}: ${notice}\n`);
  try {
    return await work(metadata);
  } finally {
    await metadata.close();
  }
}

const KEYS_USAGE = `Usage: wharf keys [--data DIR] <command>

  list      show the token-signing keys (id, algorithm, created, superseded)
  rotate    make a new signing key; keys superseded over 24 h ago are dropped
            (tokens they signed stop working; refresh tokens then need a new login)
`;

/** `wharf keys [--data DIR] list|rotate`. */
export async function runKeysCli(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const parsed = takeDataDir(argv, process.env, process.cwd());
  if (typeof parsed === 'string') {
    io.err(`wharf keys: ${parsed}\n`);
    return 2;
  }
  const [command, ...extra] = parsed.rest;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(KEYS_USAGE);
    return 0;
  }
  if ((command !== 'list' && command !== 'rotate') || extra.length > 0) {
    io.err(`wharf keys: ${command === undefined ? 'missing command' : `unknown arguments "${parsed.rest.join(' ')}"`}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const { DatabaseKeys } = await import('./database-keys.js');
  return withMetadata('wharf keys', parsed.dataDir, io, async (metadata) => {
    const keys = await DatabaseKeys.open(metadata.view(), keyFilePath(parsed.dataDir));
    if (command === 'rotate') {
      const kid = await keys.rotate();
      io.out(`new signing key ${kid}; running servers pick it up within seconds\n`);
      return 0;
    }
    for (const key of keys.ring.toJSON().keys) {
      io.out(`${key.kid}  ${key.alg}  created ${key.createdAt}${key.supersededAt ? `  superseded ${key.supersededAt}` : '  (signing)'}\n`);
    }
    return 0;
  });
}
