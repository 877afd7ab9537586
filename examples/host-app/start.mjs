// Runs the example host app (src/main.ts) on the built Wharf packages: `npm run example:host-app`
// from the repository root builds them first. The TypeScript is compiled with esbuild (a dev
// dependency of this repository) into dist/, imports of packages left as they are; in your own
// service, compile it with your usual build (tsc, tsup, tsx …) instead.
import { rename } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('./dist/host-app.mjs');
// a temporary name per process, then an atomic rename: two starts at once never read half a file
const tmp = `${out}.${process.pid}.tmp`;
await build({
  entryPoints: [here('./src/main.ts')],
  outfile: tmp,
  bundle: true,
  packages: 'external',
  // the repository's tsconfig maps @wharf/* to their sources (for tsc): ignore it, use the packages
  tsconfigRaw: {},
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'inline',
  logLevel: 'warning',
});
await rename(tmp, out);
await import(out);
