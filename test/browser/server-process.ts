/**
 * Servers the browser tests drive, started as real processes on a free loopback port and
 * stopped by their PID: Wharf's standalone server (the built CLI, `npm run build`) and the
 * example host app (examples/host-app). Each gets a fresh directory, removed again on stop
 * unless `WHARF_BROWSER_KEEP=1`; everything a server prints is kept for the failure report.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectLines, freePort, waitReady } from '../support/child-process.js';

export { freePort };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const wharfCli = join(repoRoot, 'packages/server/dist/cli.js');
export const hostAppStart = join(repoRoot, 'examples/host-app/start.mjs');

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, the registry host as image paths name it. */
  readonly host: string;
  readonly pid: number;
  /** The process's own directory (its data lives below it). */
  readonly dir: string;
  /** Everything it printed so far, one entry per line. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the OS picks it). */
interface Spec {
  /** Arguments to `node` (the runtime running the tests). */
  readonly args: readonly string[];
  readonly env: (port: number, dir: string) => NodeJS.ProcessEnv;
  /** A path answering 200 (or 401) once the server is up. */
  readonly readyPath: string;
  /** Prepares the directory before the start (seeding data). */
  readonly prepare?: (dir: string) => Promise<void>;
}

/** Environment without the variables that would point a server somewhere else (S3 storage, a public URL). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('WHARF_') || k.startsWith('HOST_APP_')) delete env[k];
  return env;
}

async function startProcess(name: string, spec: Spec): Promise<ServerProcess> {
  let lastError: unknown;
  // a port picked by the OS can be taken by someone else before the server binds it: retry
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), `wharf-browser-${name}-`));
    await spec.prepare?.(dir);
    const port = await freePort();
    const child = spawn(process.execPath, [...spec.args], { cwd: repoRoot, env: spec.env(port, dir), stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    collectLines(child, log);
    child.once('error', (err) => log.push(`spawn error: ${String(err)}`));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // a test worker that dies without afterAll must not leave the server running
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    const stop = async (): Promise<void> => {
      process.off('exit', orphan);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      if (process.env.WHARF_BROWSER_KEEP !== '1') await rm(dir, { recursive: true, force: true });
    };
    const host = `127.0.0.1:${port}`;
    try {
      await waitReady(`http://${host}${spec.readyPath}`, child, log, READY_TIMEOUT_MS);
    } catch (err) {
      lastError = err;
      await stop();
      continue;
    }
    return { url: `http://${host}`, host, pid: child.pid ?? -1, dir, log, stop };
  }
  throw lastError;
}

/** Options of {@link startStandalone}. */
export interface StandaloneOptions {
  /** The first start's `admin` password. */
  readonly adminPassword: string;
  /** Fill the data directory before the server opens it. */
  readonly seed?: (dataDir: string) => Promise<void>;
}

/**
 * Start Wharf's standalone server (`wharf serve`, token auth) with a fresh data directory
 * (`<dir>/data`).
 * @throws when the CLI is not built, or the server is not ready in 30 s (with its log)
 */
export async function startStandalone(options: StandaloneOptions): Promise<ServerProcess & { dataDir: string }> {
  if (!existsSync(wharfCli)) throw new Error(`Wharf's standalone server is not built (${wharfCli} is missing): run \`npm run build\``);
  const server = await startProcess('standalone', {
    args: [wharfCli, 'serve'],
    env: (port, dir) => ({
      ...cleanEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      WHARF_DATA: join(dir, 'data'),
      WHARF_AUTH: 'token',
      WHARF_ADMIN_PASSWORD: options.adminPassword,
    }),
    readyPath: '/v2/',
    prepare: async (dir) => {
      await mkdir(join(dir, 'data'));
      await options.seed?.(join(dir, 'data'));
    },
  });
  return { ...server, dataDir: join(server.dir, 'data') };
}

/**
 * Start the example host app (examples/host-app/start.mjs) with its data in a fresh directory.
 * @throws when the packages are not built, or it is not ready in 30 s (with its log)
 */
export async function startHostApp(): Promise<ServerProcess> {
  if (!existsSync(join(repoRoot, 'packages/ui/dist/index.js'))) {
    throw new Error('the example host app runs on the built packages (packages/*/dist): run `npm run build`');
  }
  return startProcess('host-app', {
    args: [hostAppStart],
    env: (port, dir) => ({ ...cleanEnv(), PORT: String(port), HOST: '127.0.0.1', HOST_APP_DATA: join(dir, 'data') }),
    readyPath: '/login',
  });
}
