/**
 * One tsup configuration for every package. Each package runs
 * `tsup --config ../../tsup.config.ts` from its own directory; the entries are read from
 * that package's `exports` map (each `import` path `./dist/x.js` maps back to `src/x.ts`),
 * so the build and the published subpaths cannot drift apart.
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

const targets = [
  ...Object.values(pkg.exports).map((t) => (typeof t === 'string' ? t : t.import ?? '')),
  ...Object.values(pkg.bin ?? {}),
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
  target: 'node20',
  splitting: true,
  treeshake: true,
});
