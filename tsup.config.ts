/**
 * One tsup configuration for every package. Each package runs
 * `tsup --config ../../tsup.config.ts` from its own directory; the entries are read from
 * that package's `exports` map (each `import` path `./dist/x.js` maps back to `src/x.ts`),
 * so the build and the published subpaths cannot drift apart. A `bin` inside `dist/` maps back
 * the same way; one outside it is a committed launcher (npm links bins only once their file
 * exists, so a built bin would be missing after `npm ci` on a fresh clone) that runs
 * `dist/cli.js`, built from `src/cli.ts`.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

interface ExportTarget {
  import?: string;
  types?: string;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, ExportTarget | string>;
  bin?: Record<string, string>;
};

const bins = Object.values(pkg.bin ?? {});
const launchers = bins.filter((p) => !p.startsWith('./dist/'));
const targets = [
  ...Object.values(pkg.exports).map((t) => (typeof t === 'string' ? t : t.import ?? '')),
  ...bins.filter((p) => p.startsWith('./dist/')),
  ...(launchers.length > 0 ? ['./dist/cli.js'] : []),
].filter((p) => p.endsWith('.js'));

const entry = Object.fromEntries(
  targets.map((p) => {
    const name = p.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
    return [name, `src/${name}.ts`];
  }),
);

export default defineConfig({
  entry,
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: true,
  treeshake: true,
});
