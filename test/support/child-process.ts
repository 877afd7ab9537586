/**
 * What the suites that start servers as child processes share: a free loopback port, the
 * child's output as lines (for the error when it fails), and waiting until it answers.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 now (someone may take it before the server binds it: retry on failure). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Append the child's stdout and stderr to `log`, a line at a time. */
export function collectLines(child: ChildProcess, log: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      log.push(...lines);
    });
    stream?.on('end', () => {
      if (partial) log.push(partial);
    });
  }
}

/**
 * Wait until GET `url` answers 200 or 401 (a server with token auth is up and challenging);
 * fail with the child's output when it exits first or `timeoutMs` passes.
 */
export async function waitReady(url: string, child: ChildProcess, log: readonly string[], timeoutMs = 30_000, what = 'server'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log.join('\n')}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
      last = `GET ${url} answered ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${last}):\n${log.join('\n')}`);
}
