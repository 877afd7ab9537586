#!/usr/bin/env node
/**
 * The `wharf` command's launcher. It is committed, not built: npm links a package's bins into
 * node_modules/.bin only when their files exist, and on a fresh clone `npm ci` runs before
 * `npm run build` has written dist/. Linked from the start, `npx wharf …` works as soon as the
 * build is done. It runs the built command, dist/cli.js (from src/cli.ts).
 */
try {
  await import('../dist/cli.js');
} catch (error) {
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js');
  if (!missing) throw error;
  process.stderr.write('wharf: @wharf/server is not built yet: run `npm run build` (at the repository root)\n');
  process.exit(1);
}
