/**
 * Runs the real container clients — docker, podman, skopeo — the way a user would, and checks
 * up front that they (and the test image) are there.
 *
 * The environment comes from `.ci/e2e-clients.sh up` (DOCKER_HOST, DOCKER_CONFIG,
 * CONTAINERS_*, REGISTRY_AUTH_FILE, WHARF_TEST_IMAGE_LAYOUT), exported by .ci/run or handed
 * over by global-setup.ts. docker gets it as is, with the
 * legacy builder; podman and skopeo get it without DOCKER_CONFIG, which would make them read
 * docker's config.json instead of REGISTRY_AUTH_FILE.
 *
 * A missing prerequisite fails every test of the file with a message saying what is missing,
 * unless `WHARF_SKIP_E2E=1`, which skips the file instead (and says so loudly).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inject } from 'vitest';
import { targetMissing } from './server.js';

// the variables of `.ci/e2e-clients.sh up` when global-setup.ts ran it (CI exports them itself)
Object.assign(process.env, inject('wharfE2eEnv') ?? {});

export type Client = 'docker' | 'podman' | 'skopeo';

export interface RunResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Resolve with the result instead of throwing when the command exits non-zero. */
  readonly allowFailure?: boolean;
  /** Default 180 s; the command is killed after it. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin (e.g. for `docker login --password-stdin`), which is then closed. */
  readonly input?: string;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function clientEnv(client: Client): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (client === 'docker') {
    env.DOCKER_BUILDKIT = '0';
  } else {
    delete env.DOCKER_CONFIG;
  }
  return env;
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);

/**
 * Runs `client args…` and collects its output.
 * @throws when it exits non-zero (unless `allowFailure`) or times out, with its stderr.
 */
export async function run(client: Client, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = [client, ...args].map(quote).join(' ');
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const child = spawn(client, args, { env: clientEnv(client), stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  }).finally(() => clearTimeout(timer));
  const result = { command, code, stdout, stderr };
  if (timedOut) {
    throw new Error(`\`${command}\` timed out after ${timeoutMs} ms\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
  }
  if (code !== 0 && !opts.allowFailure) {
    const out = stdout.length > 4000 ? `…${stdout.slice(-4000)}` : stdout;
    throw new Error(`\`${command}\` exited ${code}\n--- stderr ---\n${stderr.trimEnd()}\n--- stdout ---\n${out.trimEnd()}`);
  }
  return result;
}

/** `docker …`, throwing with stderr on failure. */
export const docker = (...args: string[]): Promise<RunResult> => run('docker', args);
/** `podman …`, throwing with stderr on failure. */
export const podman = (...args: string[]): Promise<RunResult> => run('podman', args);
/** `skopeo …`, throwing with stderr on failure. */
export const skopeo = (...args: string[]): Promise<RunResult> => run('skopeo', args);

/** Path of the OCI layout built by .ci/make-test-image.sh. */
export function imageLayout(): string {
  const layout = process.env.WHARF_TEST_IMAGE_LAYOUT;
  if (!layout) throw new Error('WHARF_TEST_IMAGE_LAYOUT is not set');
  return layout;
}

function missingPrerequisites(clients: readonly Client[]): string[] {
  const missing: string[] = [];
  for (const c of clients) {
    if (!onPath(c)) missing.push(`\`${c}\` is not on PATH (apt-get install ${c === 'docker' ? 'docker.io' : c})`);
  }
  if (clients.includes('docker') && onPath('docker')) {
    const v = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: clientEnv('docker'),
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (v.status !== 0) {
      const where = process.env.DOCKER_HOST ?? 'the default socket';
      missing.push(`no Docker engine answers on ${where} (${(v.stderr || String(v.error)).trim()})`);
    }
  }
  const layout = process.env.WHARF_TEST_IMAGE_LAYOUT;
  if (!layout) missing.push('WHARF_TEST_IMAGE_LAYOUT is not set');
  else if (!existsSync(join(layout, 'index.json'))) missing.push(`no OCI layout at WHARF_TEST_IMAGE_LAYOUT=${layout}`);
  const target = targetMissing();
  if (target) missing.push(target);
  return missing;
}

export interface Prerequisites {
  /** True when something is missing and WHARF_SKIP_E2E=1: skip the suite. */
  readonly skip: boolean;
  /** Throws the list of what is missing (call it in beforeAll, so every test fails with it). */
  assert(): void;
}

/**
 * Checks, when the test file is collected, that the clients, the Docker engine (if docker is
 * among them), the test image and the registry under test are all available.
 */
export function prerequisites(file: string, clients: readonly Client[]): Prerequisites {
  const missing = missingPrerequisites(clients);
  const skip = missing.length > 0 && process.env.WHARF_SKIP_E2E === '1';
  const message =
    `end-to-end prerequisites missing for ${file}:\n  - ${missing.join('\n  - ')}\n` +
    'Set them up with `bash .ci/e2e-clients.sh up && source /tmp/wharf-clients/e2e.env` ' +
    '(see .ci/run), or set WHARF_SKIP_E2E=1 to skip these tests.';
  if (skip) {
    console.warn(`\n!!! SKIPPING ${file} because WHARF_SKIP_E2E=1 !!!\n${message}\n`);
  }
  return {
    skip,
    assert() {
      if (missing.length > 0) throw new Error(message);
    },
  };
}
