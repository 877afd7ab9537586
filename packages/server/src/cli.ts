#!/usr/bin/env node
/**
 * The `wharf` command: a small dispatcher over subcommands. Each subcommand's module is
 * imported only when it runs, so `wharf --help` loads nothing heavy and startup stays fast.
 * It runs on Node (`npx wharf …`, `npm start`) and on Bun (`bun packages/server/dist/cli.js
 * serve`, `npm run start:bun`); `wharf serve` serves with that runtime's adapter.
 * @module
 */
import pkg from '../package.json' with { type: 'json' };

/** A subcommand: `run` gets the arguments after its name and resolves with the exit status. */
interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    summary: 'run the registry over HTTP (wharf serve --help)',
    run: async (argv) => (await import('./serve-command.js')).runServeCommand(argv),
  },
  admin: {
    summary: 'manage users, groups, projects, members and tokens (wharf admin --help)',
    run: async (argv) => (await import('./admin-command.js')).runAdminCli(argv),
  },
  keys: {
    summary: 'list or rotate the token-signing keys (wharf keys --help)',
    run: async (argv) => (await import('./admin-command.js')).runKeysCli(argv),
  },
  registry: {
    summary: 'list, delete and rename repositories and tags; cleanup policies (wharf registry --help)',
    run: async (argv) => (await import('./registry-command.js')).runRegistryCommand(argv),
  },
  db: {
    summary: 'the metadata database: status, migrate, import access.json (wharf db --help)',
    run: async (argv) => (await import('./db-command.js')).runDbCommand(argv),
  },
  gc: {
    summary: 'delete unreferenced blobs and manifests, safe while serving (wharf gc --help)',
    run: async (argv) => (await import('./gc-command.js')).runGcCommand(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `Usage: wharf <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the version
`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name === undefined ? 'wharf: missing command' : `wharf: unknown command "${name}"`}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`wharf: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
