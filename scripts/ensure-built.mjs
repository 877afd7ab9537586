#!/usr/bin/env node
/**
 * Build the workspaces when their dist is missing or older than their sources, so `npm start`
 * works on a fresh clone right after `npm ci` and stays fast afterwards.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Every workspace package: what `wharf serve` loads, and the registry page (mounted by the server soon).
const packages = ['core', 'storage-fs', 'storage-s3', 'access', 'adapter-node', 'adapter-bun', 'ui', 'server'].map((p) => join('packages', p));

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

const stale = packages.filter((p) => {
  const dist = join(p, 'dist');
  return !existsSync(join(dist, 'index.js')) || newest(join(p, 'src')) > newest(dist);
});
if (stale.length > 0) {
  console.error(`wharf: building ${stale.join(', ')} …`);
  execSync('npm run build --silent', { stdio: ['ignore', 'ignore', 'inherit'] });
}
