/**
 * The registry under test.
 *
 * - `WHARF_CONFORMANCE_URL=http://host:port`: an external registry (e.g. CNCF Distribution).
 *   `WHARF_CONFORMANCE_NODELETE_URL` optionally names a second one with deletes disabled.
 *   `WHARF_CONFORMANCE_LEGACY=1` additionally skips what a pre-OCI-1.1 registry lacks.
 * - otherwise: Wharf in-process (`@wharf/core` on `MemoryStorage`, served by `@wharf/adapter-node`
 *   on 127.0.0.1, port 0), one fresh registry per test file; with `WHARF_RUNTIME=bun`, the same
 *   in a Bun child process (`bun-registry.ts`, `@wharf/adapter-bun`; needs `npm run build`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { bunBinary, runtime } from '../runtime.js';
import { Client } from './client.js';

const external = process.env.WHARF_CONFORMANCE_URL;
const externalNoDelete = process.env.WHARF_CONFORMANCE_NODELETE_URL;
/** True when running against an external pre-OCI-1.1 registry (Distribution 2.8). */
export const legacyMode = Boolean(external) && process.env.WHARF_CONFORMANCE_LEGACY === '1';

/**
 * For `it.skipIf(legacy('…'))`: true (and the reason printed) only when testing an external
 * registry in legacy mode; against Wharf every case runs.
 */
export function legacy(reason: string): boolean {
  if (legacyMode) console.warn(`[conformance] skipped in legacy mode: ${reason}`);
  return legacyMode;
}

// Imported dynamically (typed by the packages' own declarations) so a run against an external
// registry does not load Wharf at all.
type CoreModule = typeof import('@wharf/core');
type NodeAdapterModule = typeof import('@wharf/adapter-node');

export interface Target {
  readonly url: string;
  readonly external: boolean;
  close(): Promise<void>;
}

/** Starts `bun-registry.ts` under Bun and reads the URL it prints. */
async function startWharfOnBun(deletes: boolean): Promise<Target> {
  const bun = bunBinary();
  if (!bun) throw new Error('WHARF_RUNTIME=bun but no Bun binary: run `npm ci` (the bun dev dependency) or set BUN_BIN');
  const script = fileURLToPath(new URL('./bun-registry.ts', import.meta.url));
  const child = spawn(bun, [script], { env: { ...process.env, WHARF_DELETES: deletes ? '1' : '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the Bun registry did not print its URL within 20 s')), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n', 2);
      if (line.length === 2) {
        clearTimeout(timer);
        resolve(line[0] ?? '');
      }
    });
    child.once('exit', (code) => reject(new Error(`the Bun registry exited (${code}) before printing its URL`)));
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { url, external: false, close };
}

async function startWharf(deletes: boolean): Promise<Target> {
  if (runtime() === 'bun') return startWharfOnBun(deletes);
  const coreId = '@wharf/core';
  const adapterId = '@wharf/adapter-node';
  let core: CoreModule;
  let adapter: NodeAdapterModule;
  try {
    core = (await import(/* @vite-ignore */ coreId)) as CoreModule;
    adapter = (await import(/* @vite-ignore */ adapterId)) as NodeAdapterModule;
  } catch (error) {
    throw new Error(`Wharf is not importable (${String(error)}); set WHARF_CONFORMANCE_URL to test an external registry`);
  }
  const { app } = core.createRegistry({ storage: new core.MemoryStorage(), deletes });
  const server = await adapter.serve(app, { port: 0, hostname: '127.0.0.1' });
  return { url: `http://127.0.0.1:${server.port}`, external: false, close: () => server.close() };
}

/** Starts (or names) a registry. `deletes: false` needs WHARF_CONFORMANCE_NODELETE_URL externally. */
export async function startRegistry(options: { deletes?: boolean } = {}): Promise<Target | null> {
  const deletes = options.deletes ?? true;
  if (external) {
    const url = deletes ? external : externalNoDelete;
    if (!url) return null;
    return { url: url.replace(/\/+$/, ''), external: true, close: async () => {} };
  }
  return startWharf(deletes);
}

/** Whether a registry with deletes disabled is available to this run. */
export const noDeleteAvailable = !external || Boolean(externalNoDelete);

/**
 * Registers beforeAll/afterAll for a registry and returns a client whose base URL is set once
 * the registry is up. Use inside a test file (or describe block).
 */
export function useRegistry(options: { deletes?: boolean } = {}): Client {
  const client = new Client('http://127.0.0.1:1/');
  let target: Target | null = null;
  beforeAll(async () => {
    target = await startRegistry(options);
    if (target) client.base = `${target.url}/`;
  });
  afterAll(async () => {
    await target?.close();
  });
  return client;
}
