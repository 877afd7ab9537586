/**
 * Which runtime the conformance and end-to-end suites start Wharf on: `WHARF_RUNTIME=node` (the
 * default) or `bun` (the `bun` dev dependency's binary running `@wharf/server`'s CLI, which then
 * serves with `@wharf/adapter-bun`; needs `npm run build`). CI runs both suites once per runtime.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Runtime = 'node' | 'bun';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The runtime from `WHARF_RUNTIME`. @throws on anything but `node`, `bun` or unset. */
export function runtime(): Runtime {
  const r = process.env.WHARF_RUNTIME || 'node';
  if (r !== 'node' && r !== 'bun') throw new Error(`WHARF_RUNTIME must be "node" or "bun", not "${r}"`);
  return r;
}

/**
 * The Bun executable: `BUN_BIN`, else the `bun` npm package's binary (its postinstall puts the
 * platform build there; npm may skip install scripts, so the platform package's own copy is
 * the fallback). Undefined when none is installed.
 */
export function bunBinary(): string | undefined {
  const candidates = [
    process.env.BUN_BIN,
    join(root, 'node_modules/bun/bin/bun.exe'),
    join(root, `node_modules/@oven/bun-linux-${process.arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`),
    join(root, `node_modules/@oven/bun-linux-${process.arch === 'arm64' ? 'aarch64' : 'x64'}-baseline/bin/bun`),
  ];
  // without its postinstall, bun.exe is a 450-byte placeholder script
  return candidates.find((p): p is string => p !== undefined && existsSync(p) && statSync(p).size > 1_000_000);
}

/** The built `wharf` CLI (`@wharf/server`, `npm run build`) that Bun runs: the same as Node's. */
export const bunCli = join(root, 'packages/server/dist/cli.js');
