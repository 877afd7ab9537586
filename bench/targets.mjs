/**
 * Starting and stopping the two registries under test, each fresh, on a free port of
 * 127.0.0.1, with its storage in a temporary directory under /tmp that is deleted on stop.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const WHARF_CLI = join(REPO_ROOT, 'packages/server/dist/cli.js');
export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';
/** With `WHARF_RUNTIME=bun`, Wharf runs as `bun packages/server/dist/cli.js serve` (it then serves with @wharf/adapter-bun). */
export const WHARF_BUN_CLI = join(REPO_ROOT, 'packages/server/dist/cli.js');
const BUN_BIN = process.env.BUN_BIN || join(REPO_ROOT, 'node_modules/bun/bin/bun.exe');

/** Every child still running, so that an interrupted run can stop them. */
const running = new Set();

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitReady(baseUrl, child, logFile, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited early (${child.exitCode ?? child.signalCode}); log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/v2/`);
      await res.arrayBuffer();
      // 401: token auth is on and the registry is challenging, which is ready too.
      if (res.status === 200 || res.status === 401) return;
      lastError = new Error(`GET /v2/ returned ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready after ${timeoutMs} ms: ${lastError?.message}; log:\n${tail(logFile)}`);
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Spawns `command args` with stdout to /dev/null (request logs) and stderr to a file,
 * waits until GET /v2/ answers 200, and returns a handle with `stop()`.
 */
async function launch({ name, label, command, args, env, port, workDir, dataDir, cpuProfDir }) {
  const logFile = join(workDir, 'stderr.log');
  const devNull = openSync('/dev/null', 'w');
  const errFd = openSync(logFile, 'w');
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', devNull, errFd],
  });
  closeSync(devNull);
  closeSync(errFd);
  running.add(child);
  const exited = new Promise((r) => child.once('exit', r));
  child.once('exit', () => running.delete(child));
  const baseUrl = `http://127.0.0.1:${port}`;
  const handle = {
    name,
    label,
    baseUrl,
    pid: child.pid,
    dataDir,
    logFile,
    cpuProfDir,
    child,
    /** SIGTERM by PID, SIGKILL after 10 s, then delete the temp directory (unless keepDir). */
    async stop({ keepDir = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!keepDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(baseUrl, child, logFile);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/**
 * Starts `node packages/server/dist/cli.js serve` (data in a temp dir), with auth none
 * unless `auth: 'token'` (then `adminPassword` is the admin user's password).
 */
export async function startWharf({ cpuProf = false, auth = 'none', adminPassword } = {}) {
  if (!existsSync(WHARF_CLI)) {
    throw new Error(`${WHARF_CLI} not found: run \`npm run build\` first`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'wharf-bench-wharf-'));
  const dataDir = join(workDir, 'data');
  const port = await freePort();
  const nodeArgs = [];
  let cpuProfDir;
  if (cpuProf) {
    cpuProfDir = mkdtempSync(join(tmpdir(), 'wharf-bench-cpuprof-'));
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  }
  const onBun = process.env.WHARF_RUNTIME === 'bun';
  if (onBun && !existsSync(WHARF_BUN_CLI)) throw new Error(`${WHARF_BUN_CLI} not found: run \`npm run build\` first`);
  return launch({
    name: 'wharf',
    label: onBun ? 'Wharf (Bun)' : 'Wharf',
    command: onBun ? BUN_BIN : process.execPath,
    args: onBun ? [WHARF_BUN_CLI, 'serve'] : [...nodeArgs, WHARF_CLI, 'serve'],
    env: { PORT: String(port), HOST: '127.0.0.1', WHARF_DATA: dataDir, WHARF_AUTH: auth, ...(adminPassword ? { WHARF_ADMIN_PASSWORD: adminPassword } : {}) },
    port,
    workDir,
    dataDir,
    cpuProfDir,
  });
}

/**
 * Starts Debian's CNCF Distribution 2.8 with its default Debian configuration, less auth,
 * with filesystem storage in a temp dir, deletes enabled, log level warn, 127.0.0.1 only.
 * Its filesystem driver does not fsync (Wharf's storage does); see docs/benchmarks.md.
 */
export async function startDistribution() {
  if (!existsSync(DISTRIBUTION_BIN)) throw new Error(`${DISTRIBUTION_BIN} not found (apt-get install docker-registry)`);
  const workDir = mkdtempSync(join(tmpdir(), 'wharf-bench-distribution-'));
  const dataDir = join(workDir, 'data');
  const port = await freePort();
  const config = `version: 0.1
log:
  level: warn
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: ${dataDir}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  headers:
    X-Content-Type-Options: [nosniff]
`;
  const configFile = join(workDir, 'config.yml');
  writeFileSync(configFile, config);
  return launch({
    name: 'distribution',
    label: 'Distribution',
    command: DISTRIBUTION_BIN,
    args: ['serve', configFile],
    env: {},
    port,
    workDir,
    dataDir,
  });
}

export const TARGETS = {
  distribution: startDistribution,
  wharf: startWharf,
};

/** Kills whatever is still running (by PID, from our own set): for SIGINT and crashes. */
export function killAllStarted() {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The version string of Distribution, for the report. */
export function distributionVersion() {
  return new Promise((resolveVersion) => {
    const child = spawn(DISTRIBUTION_BIN, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolveVersion('unknown'));
    child.on('close', () => resolveVersion(out.trim() || 'unknown'));
  });
}
