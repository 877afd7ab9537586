#!/usr/bin/env node
/**
 * After a build: every package's `exports` and `bin` entries exist, types come first in each
 * export condition, and each entry imports without side effects failing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const problems = [];
for (const name of ['core', 'db', 'storage-fs', 'storage-s3', 'access', 'adapter-node', 'adapter-bun', 'ui', 'api', 'server']) {
  const dir = join('packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const keys = Object.keys(target);
    if (keys[0] !== 'types') problems.push(`${pkg.name} ${subpath}: "types" must come first`);
    for (const [condition, file] of Object.entries(target)) {
      if (!existsSync(join(dir, file))) problems.push(`${pkg.name} ${subpath} ${condition}: ${file} is missing`);
    }
    if (target.import && existsSync(join(dir, target.import)) && !subpath.includes('testing')) {
      try {
        await import(pathToFileURL(resolve(dir, target.import)).href);
      } catch (error) {
        problems.push(`${pkg.name} ${subpath}: import failed: ${error.message}`);
      }
    }
  }
  for (const [bin, file] of Object.entries(pkg.bin ?? {})) {
    if (!existsSync(join(dir, file))) problems.push(`${pkg.name} bin ${bin}: ${file} is missing`);
    // A bin outside dist/ is a committed launcher of the built dist/cli.js (see tsup.config.ts).
    if (!file.startsWith('./dist/') && !existsSync(join(dir, 'dist/cli.js'))) problems.push(`${pkg.name} bin ${bin}: its dist/cli.js is missing`);
  }
  if (pkg.sideEffects !== false) problems.push(`${pkg.name}: "sideEffects": false is missing`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('exports ok');
