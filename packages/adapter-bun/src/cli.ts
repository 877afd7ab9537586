#!/usr/bin/env bun
/**
 * `wharf-bun serve`: the standalone server of `wharf serve` (same flags, environment, data
 * directory and application, from `@wharf/adapter-node`), served by `Bun.serve`. The other
 * `wharf` subcommands (admin, keys, registry, gc) do not depend on the runtime: run them with
 * `wharf` (Node) against the same data directory.
 * @module
 */
import { runServeCommand } from '@wharf/adapter-node';
import pkg from '../package.json' with { type: 'json' };
import { bunRuntime } from './bun-types.js';
import { serve } from './serve.js';

const USAGE = `Usage: wharf-bun serve [options]   (run under Bun: bun wharf-bun serve …)

Runs the standalone registry of \`wharf serve\` on Bun; see \`wharf-bun serve --help\`.
The admin, keys, registry and gc commands are the same under Node: use \`wharf\`.

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${pkg.version} (bun ${bunRuntime()?.version ?? 'missing'})\n`);
    return 0;
  }
  if (name !== 'serve') {
    process.stderr.write(`${name === undefined ? 'wharf-bun: missing command' : `wharf-bun: unknown command "${name}"`}\n\n${USAGE}`);
    return 2;
  }
  if (!bunRuntime()) {
    process.stderr.write('wharf-bun: this command runs under Bun (bun packages/adapter-bun/dist/cli.js serve); on Node use `wharf serve`\n');
    return 1;
  }
  return runServeCommand(rest, undefined, serve);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`wharf-bun: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
