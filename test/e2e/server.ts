/**
 * Starts the registry under test as a child process on a free loopback port, with a fresh
 * data directory, and stops it by PID.
 *
 * The target is Wharf's standalone server (`node packages/server/dist/cli.js serve`, built
 * by `npm run build`; with `WHARF_RUNTIME=bun`, `bun packages/server/dist/cli.js serve`), or — with
 * `WHARF_E2E_TARGET=distribution` — Debian's CNCF Distribution
 * (`docker-registry serve`), so the tests themselves can be checked against a reference
 * registry. Everything the server prints is kept; {@link logOnFailureAndStop} shows the lines a
 * failing test caused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach } from 'vitest';
import { collectLines, freePort, waitReady } from '../support/child-process.js';
import { bunBinary, bunCli, runtime } from '../runtime.js';

export type Target = 'wharf' | 'distribution';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const wharfCli = join(repoRoot, 'packages/server/dist/cli.js');
export const distributionBin = '/usr/bin/docker-registry';

/** The registry the tests run against, from `WHARF_E2E_TARGET` (default `wharf`). */
export function target(): Target {
  const t = process.env.WHARF_E2E_TARGET ?? 'wharf';
  if (t !== 'wharf' && t !== 'distribution') {
    throw new Error(`WHARF_E2E_TARGET must be "wharf" or "distribution", not "${t}"`);
  }
  return t;
}

/** Why the target cannot be started, or undefined when it can. */
export function targetMissing(): string | undefined {
  if (target() === 'wharf' && runtime() === 'bun') {
    if (!bunBinary()) return 'WHARF_RUNTIME=bun but no Bun binary: run `npm ci` (the bun dev dependency) or set BUN_BIN';
    return existsSync(bunCli) ? undefined : `${bunCli} is missing: run \`npm run build\``;
  }
  if (target() === 'wharf') {
    return existsSync(wharfCli) ? undefined : `Wharf's standalone server is not built (${wharfCli} is missing): run \`npm run build\``;
  }
  return existsSync(distributionBin) ? undefined : `${distributionBin} is missing: apt-get install docker-registry`;
}

export interface Registry {
  readonly target: Target;
  /** `127.0.0.1:PORT`, the registry host as clients name it. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number;
  /** The data directory (Wharf: the `WHARF_DATA` of `wharf admin` commands). */
  readonly dataDir: string;
  /** Everything the server printed so far, one entry per line. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A port that was free a moment ago (the OS picks it). */
function distributionConfig(dataDir: string, host: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dataDir}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}`,
    '',
  ].join('\n');
}

/** How to start Wharf: open (the default for these tests) or with token auth and a known admin password. */
export interface StartOptions {
  readonly auth?: 'none' | 'token';
  /** With token auth: the first start's admin password. */
  readonly adminPassword?: string;
}

async function command(t: Target, dir: string, host: string, options: StartOptions): Promise<[string, string[], NodeJS.ProcessEnv]> {
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const [hostname, port] = host.split(':') as [string, string];
  if (t === 'wharf') {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: port, HOST: hostname, WHARF_DATA: dataDir, WHARF_AUTH: options.auth ?? 'none' };
    if (options.adminPassword) env.WHARF_ADMIN_PASSWORD = options.adminPassword;
    // WHARF_E2E_STORAGE (CI's e2e pass on S3): each server gets its own prefix of that bucket, as
    // it gets its own data directory, so one file's images never show up in (or get cleaned up
    // by) another file's registry. WHARF_STORAGE itself is passed on as it is (test/s3 points two
    // servers at one prefix on purpose).
    const shared = process.env.WHARF_E2E_STORAGE;
    if (shared) env.WHARF_STORAGE = `${shared.replace(/\/+$/, '')}/${basename(dir)}`;
    const bun = runtime() === 'bun' ? bunBinary() : undefined;
    return bun ? [bun, [bunCli, 'serve'], env] : [process.execPath, [wharfCli, 'serve'], env];
  }
  const config = join(dir, 'config.yml');
  await writeFile(config, distributionConfig(dataDir, host));
  // Distribution reads REGISTRY_* variables as configuration overrides, and podman's
  // REGISTRY_AUTH_FILE (set for the clients) would turn into a broken `auth:` section
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  return [distributionBin, ['serve', config], env];
}

/**
 * Kills `child` (and removes its directory) if this test worker ends first (a crash, a broken hook, or vitest's SIGTERM to a
 * worker whose file never called stop()). Returns the function that drops the guard.
 */
function guardOrphan(child: ChildProcess, dir: string): () => void {
  const onExit = (): void => {
    child.kill('SIGKILL');
    if (process.env.WHARF_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  const onSigterm = (): void => {
    onExit();
    release();
    // a SIGTERM listener replaces the default action: die as we would have without ours
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  };
  const release = (): void => {
    process.off('exit', onExit);
    process.off('SIGTERM', onSigterm);
  };
  process.once('exit', onExit);
  process.on('SIGTERM', onSigterm);
  return release;
}

/**
 * Starts the registry chosen by `WHARF_E2E_TARGET` on a free port of 127.0.0.1 with an empty
 * data directory (removed again by `stop()` unless `WHARF_E2E_KEEP=1`), and waits until
 * `GET /v2/` answers 200 (or 401, with token auth).
 * @throws if the target is not available or does not become ready in 30 s (with its log).
 */
export async function startRegistry(options: StartOptions = {}): Promise<Registry> {
  const t = target();
  const missing = targetMissing();
  if (missing) throw new Error(missing);
  let lastError: unknown;
  // a port picked by the OS can be taken by someone else before the server binds it: retry
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), `wharf-e2e-${t}-`));
    const host = `127.0.0.1:${await freePort()}`;
    const [bin, args, env] = await command(t, dir, host, options);
    const child = spawn(bin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    collectLines(child, log);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (err) => log.push(`spawn error: ${String(err)}`));
    void exited.then(guardOrphan(child, dir));

    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      if (process.env.WHARF_E2E_KEEP !== '1') await rm(dir, { recursive: true, force: true });
    };
    try {
      await waitReady(`http://${host}/v2/`, child, log, READY_TIMEOUT_MS, 'registry');
    } catch (err) {
      lastError = err;
      await stop();
      continue;
    }
    return { target: t, host, url: `http://${host}`, pid: child.pid ?? -1, dataDir: join(dir, 'data'), log, stop };
  }
  throw lastError;
}

/**
 * Registers hooks in the current file or suite: when a test fails, print the registry log lines
 * written while it ran (all of it if a beforeAll failed); after the last test, stop the registry.
 */
export function logOnFailureAndStop(registry: () => Registry | undefined): void {
  beforeEach(({ onTestFailed, task }) => {
    const from = registry()?.log.length ?? 0;
    onTestFailed(() => {
      const reg = registry();
      if (!reg) return;
      const lines = reg.log.slice(from);
      console.error(
        `--- ${reg.target} log for "${task.name}" (pid ${reg.pid}, ${reg.url}), ${lines.length} lines ---\n` +
          (lines.length > 400 ? [...lines.slice(0, 50), '…', ...lines.slice(-350)] : lines).join('\n'),
      );
    });
  });
  // biome-ignore lint/correctness/noEmptyPattern: vitest wants a destructuring pattern for the (unused) fixture context
  afterAll(async ({}, suite) => {
    const reg = registry();
    // a failed beforeAll runs no test, so no onTestFailed: show the whole log instead
    if (reg && suite.result?.state === 'fail') {
      console.error(`--- ${reg.target} log (pid ${reg.pid}, ${reg.url}) ---\n${reg.log.slice(-400).join('\n')}`);
    }
    await reg?.stop();
  });
}
