/**
 * Vitest global setup for the `postgres` project, which runs the database tests (`*.db.test.ts`)
 * against a real PostgreSQL, so a plain `npm test` checks both backends (and for the `s3`
 * project, whose servers share one; each project gets a cluster of its own):
 *   1. WHARF_TEST_PG_URL in the environment: used as is (a server of your own; each test file
 *      works in a schema of its own and drops it);
 *   2. otherwise, as root: a throw-away cluster on a free loopback port (`.ci/postgres.sh
 *      start`, which installs Debian's postgresql when missing), stopped when the run ends, also
 *      when it fails or is interrupted.
 * The test files get the URL through `inject('wharfPostgresUrl')`; empty means none could be
 * found or started, with the reason in `wharfPostgresMissing`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort } from '../support/child-process.js';
import { stopOnExit } from '../support/stop-on-exit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wharfPostgresUrl: string;
    wharfPostgresMissing: string;
  }
}

const script = join(fileURLToPath(new URL('../../', import.meta.url)), '.ci/postgres.sh');

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  project.provide('wharfPostgresUrl', '');
  project.provide('wharfPostgresMissing', '');
  if (process.env.WHARF_TEST_PG_URL) {
    project.provide('wharfPostgresUrl', process.env.WHARF_TEST_PG_URL);
    return undefined;
  }
  if (process.getuid?.() !== 0) {
    project.provide('wharfPostgresMissing', 'no PostgreSQL: set WHARF_TEST_PG_URL, or run the tests as root so a throw-away cluster can be started (.ci/postgres.sh)');
    return undefined;
  }
  const env = { ...process.env, PG_DIR: `/tmp/wharf-pg-${process.pid}-${project.name}`, PG_PORT: String(await freePort()) };
  let started = true;
  const stop = stopOnExit(() => {
    if (started) spawnSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
    spawnSync('rm', ['-rf', env.PG_DIR]);
  });
  const up = spawnSync('bash', [script, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const url = up.stdout?.trim().split('\n').at(-1) ?? '';
  if (up.status !== 0 || !url.startsWith('postgres://')) {
    started = up.status === 0;
    project.provide('wharfPostgresMissing', `\`.ci/postgres.sh start\` failed (exit ${up.status}); log in ${env.PG_DIR}`);
    return stop;
  }
  console.log(`postgres setup: throw-away cluster at ${url} (stopped when the run ends)`);
  project.provide('wharfPostgresUrl', url);
  return stop;
}
