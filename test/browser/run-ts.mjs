// Run one TypeScript program of test/browser (e.g. `node test/browser/run-ts.mjs test/browser/screenshots.ts`,
// which `npm run screenshots` does) on the built packages: esbuild compiles it with its local
// imports into `.tmp/browser/<name>.mjs` — two levels below the repository root, like
// test/browser itself, so the `import.meta.url`-relative paths of the harness stay right —
// leaving package imports (`@wharf/*` → packages/*/dist, playwright-core) to Node.
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node test/browser/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tmp', 'browser');
await mkdir(dir, { recursive: true });
const out = join(dir, `${basename(entry).replace(/\.ts$/, '')}.mjs`);
const tmp = `${out}.${process.pid}.tmp`;
await build({
  entryPoints: [entry],
  outfile: tmp,
  bundle: true,
  packages: 'external',
  // the repository's tsconfig maps @wharf/* to their sources (for tsc): ignore it, use the built packages
  tsconfigRaw: {},
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'inline',
  logLevel: 'warning',
});
await rename(tmp, out);
await import(out);
