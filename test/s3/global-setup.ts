/**
 * Vitest global setup for the `s3` project: finds a real S3 endpoint for the storage-s3 tests,
 * or starts one, so that a plain `npm test` exercises the driver against a real server.
 *   1. WHARF_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3) with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
 *      in the environment: used as is (CI exports `.ci/s3.sh`'s env file before `npm test`).
 *   2. `$S3_DIR/env` (default /tmp/wharf-s3) of a gateway `.ci/s3.sh status` says is up: used.
 *   3. Otherwise, as root with apt-get: `.ci/s3.sh ensure` (installs Debian's radosgw when
 *      missing), and `.ci/s3.sh stop` when the run ends, also when it fails or is interrupted
 *      (SIGINT, SIGTERM): `npm test` leaves no daemon behind. WHARF_S3_SETUP=0 turns this off.
 * The test files get the variables through `inject('wharfS3Env')`; empty means none could be
 * found or started, and they skip with a loud message saying why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { stopOnExit } from '../support/stop-on-exit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wharfS3Env: Record<string, string>;
    wharfS3Missing: string;
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, '.ci/s3.sh');
const KEYS = ['WHARF_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'];

function readEnvFile(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2];
  }
  return vars;
}

function fromProcessEnv(): Record<string, string> | undefined {
  const endpoint = process.env.WHARF_S3_ENDPOINT || process.env.AWS_ENDPOINT_URL_S3;
  if (!endpoint || !process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) return undefined;
  const vars: Record<string, string> = {};
  for (const k of KEYS) if (process.env[k]) vars[k] = process.env[k]!;
  vars.WHARF_S3_ENDPOINT = endpoint;
  return vars;
}

export default function setup(project: TestProject): (() => void) | undefined {
  project.provide('wharfS3Env', {});
  project.provide('wharfS3Missing', '');
  const given = fromProcessEnv();
  if (given) {
    project.provide('wharfS3Env', given);
    return undefined;
  }
  const env = { ...process.env, S3_DIR: process.env.S3_DIR ?? '/tmp/wharf-s3' };
  const envFile = join(env.S3_DIR, 'env');
  if (spawnSync('bash', [script, 'status'], { env, stdio: 'ignore' }).status === 0 && existsSync(envFile)) {
    project.provide('wharfS3Env', readEnvFile(envFile));
    return undefined;
  }
  const canStart = process.env.WHARF_S3_SETUP !== '0' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!canStart) {
    project.provide(
      'wharfS3Missing',
      'no S3 endpoint: set WHARF_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `bash .ci/s3.sh start` as root and export its env file',
    );
    return undefined;
  }
  console.log('s3 setup: starting Ceph RADOS Gateway with .ci/s3.sh ensure (stopped when the run ends)');
  // Registered before the start, so an interrupt during it still stops what came up.
  let started = true;
  const stop = stopOnExit(() => {
    if (started) spawnSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
  });
  const up = spawnSync('bash', [script, 'ensure'], { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(up.stdout ?? '');
  // "reused": another run started at the same moment owns the gateway and stops it.
  if (up.stdout?.trim().endsWith('reused')) started = false;
  if (up.status !== 0 || !existsSync(envFile)) {
    project.provide('wharfS3Missing', `\`.ci/s3.sh ensure\` failed (exit ${up.status}); logs in ${env.S3_DIR}/log`);
    return stop;
  }
  project.provide('wharfS3Env', readEnvFile(envFile));
  return stop;
}
