/**
 * Vitest global setup for the e2e project, so that a plain `npm test` on a developer's machine
 * gets real clients too: when the environment of `.ci/e2e-clients.sh up` is not there already
 * (CI sources it before `npm test`), this
 *   1. as root with apt-get, installs the Debian packages that are missing
 *      (docker.io podman skopeo umoci docker-registry);
 *   2. runs `.ci/e2e-clients.sh up` (private dockerd under /tmp/wharf-clients, podman/skopeo
 *      config, the OCI test image) and hands its variables to the test files (see clients.ts);
 *   3. afterwards stops the dockerd it started (one it found running stays), also when the run
 *      fails or is interrupted.
 * Whatever it cannot set up, the test files report as missing prerequisites (they fail, or skip
 * with WHARF_SKIP_E2E=1). WHARF_E2E_SETUP=0 turns this off.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { stopOnExit } from '../support/stop-on-exit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wharfE2eEnv: Record<string, string>;
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES: Record<string, string> = {
  dockerd: 'docker.io',
  podman: 'podman',
  skopeo: 'skopeo',
  umoci: 'umoci',
  'docker-registry': 'docker-registry',
};

const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

function installMissing(): void {
  const missing = [...new Set(Object.entries(PACKAGES).flatMap(([bin, pkg]) => (has(bin) ? [] : [pkg])))];
  if (missing.length === 0 || process.getuid?.() !== 0 || !has('apt-get')) return;
  console.log(`e2e setup: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, stdio: 'inherit' }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update', '-q'], { env, stdio: 'inherit' });
    install();
  }
}

/** `export K=V` lines of the env file written by `.ci/e2e-clients.sh up`. */
function readEnvFile(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2];
  }
  return vars;
}

export default function setup(project: TestProject): (() => void) | undefined {
  project.provide('wharfE2eEnv', {});
  if (process.env.WHARF_TEST_IMAGE_LAYOUT || process.env.WHARF_E2E_SETUP === '0') return undefined;
  const clientsDir = process.env.CLIENTS_DIR ?? '/tmp/wharf-clients';
  const script = join(root, '.ci/e2e-clients.sh');
  installMissing();
  const env = { ...process.env, CLIENTS_DIR: clientsDir };
  const alreadyRunning = spawnSync('bash', [join(root, '.ci/dockerd.sh'), 'status'], { env, stdio: 'ignore' }).status === 0;
  const up = spawnSync('bash', [script, 'up'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const envFile = join(clientsDir, 'e2e.env');
  if (up.status !== 0 || !existsSync(envFile)) {
    console.error(`e2e setup: ${script} up failed (exit ${up.status}); the e2e tests will report what is missing`);
    return undefined;
  }
  project.provide('wharfE2eEnv', readEnvFile(envFile));
  if (alreadyRunning) return undefined;
  return stopOnExit(() => {
    spawnSync('bash', [script, 'down', '--force'], { env, stdio: 'inherit' });
  });
}
