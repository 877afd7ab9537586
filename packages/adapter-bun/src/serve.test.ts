/**
 * `serve()` on a real Bun: vitest runs on Node, so `serve.fixture.ts` runs in a Bun child
 * process and these tests talk to it over HTTP. Skipped (with the reason) when no Bun binary
 * is installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bunBinary } from '../../../test/runtime.js';

const bun = bunBinary();
const fixture = fileURLToPath(new URL('./serve.fixture.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fixture {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything printed on stdout, one entry per line. */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

const running: Fixture[] = [];
afterEach(async () => {
  for (const f of running.splice(0)) {
    if (f.child.exitCode === null && f.child.signalCode === null) f.child.kill('SIGKILL');
    await f.exited;
  }
});

/** Starts the fixture; `options` are more serve() options. */
async function start(options: Record<string, number> = {}): Promise<Fixture> {
  const env = { ...process.env, WHARF_FIXTURE_OPTIONS: JSON.stringify(options) };
  const child = spawn(bun as string, [fixture], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let partial = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      const first = lines.find((l) => l.startsWith('URL '));
      if (first) resolve(first.slice(4));
    });
    void exited.then((code) => reject(new Error(`fixture exited (${code}) before listening`)));
  });
  const f: Fixture = { url, port: Number(new URL(url).port), child, lines, exited };
  running.push(f);
  return f;
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.skipIf(!bun)('adapter-bun serve() under Bun', () => {
  it('should stream a 20 MiB request body to the app while the client is still sending', async () => {
    const f = await start();
    const data = randomBytes(20 * 1024 * 1024);
    const half = 10 * 1024 * 1024;
    const req = request(`${f.url}/upload`, { method: 'POST', headers: { 'content-length': String(data.length) } });
    const answer = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
    });
    req.write(data.subarray(0, half));
    // the app sees the first half before the second is sent: the body is not buffered first
    await until(async () => Number(await (await fetch(`${f.url}/received`)).text()) >= half / 2);
    req.end(data.subarray(half));
    const result = JSON.parse(await answer) as { bytes: number; chunks: number; sha256: string };
    expect(result.bytes).toBe(data.length);
    expect(result.chunks).toBeGreaterThan(1);
    expect(result.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('should log one access line per request in the Node adapter format', async () => {
    const f = await start();
    expect(await (await fetch(`${f.url}/stream?size=1000`)).arrayBuffer()).toHaveProperty('byteLength', 1000);
    expect((await fetch(`${f.url}/nope?x="y"`)).status).toBe(404);
    await until(() => f.lines.filter((l) => l.startsWith('LOG ')).length >= 2);
    const logs = f.lines.filter((l) => l.startsWith('LOG ')).map((l) => l.slice(4));
    expect(logs[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 "GET \/stream\?size=1000 HTTP\/1\.1" 200 1000 \d+ms$/);
    expect(logs[1]).toMatch(/ "GET \/nope\?x=(\\x22|%22)y(\\x22|%22) HTTP\/1\.1" 404 - \d+ms$/);
  });

  it('should send Content-Length for small stream bodies and stream large ones intact', async () => {
    const f = await start();
    const small = await fetch(`${f.url}/stream?size=1000`);
    expect(small.headers.get('content-length')).toBe('1000');
    expect((await small.arrayBuffer()).byteLength).toBe(1000);
    const large = await fetch(`${f.url}/stream?size=${5 * 1024 * 1024}`);
    expect((await large.arrayBuffer()).byteLength).toBe(5 * 1024 * 1024);
  });

  it('should hand the app the client address through getConnInfo(c)', async () => {
    const f = await start();
    expect(await (await fetch(`${f.url}/ip`)).text()).toBe('127.0.0.1');
  });

  it('should let an in-flight request finish on close, with Connection: close, then refuse connections', async () => {
    const f = await start();
    const slow = fetch(`${f.url}/slow?ms=500`);
    await sleep(100);
    f.child.kill('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.text()).toBe('done');
    expect(await f.exited).toBe(0);
    expect(f.lines).toContain('CLOSED');
    const refused = await new Promise<string>((resolve) => {
      const s = connect(f.port, '127.0.0.1', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('should close a stalled request body after bodyTimeoutMs, and report limits Bun cannot apply', async () => {
    // Bun's idleTimeout, in 4-second steps: 5 s fires between 4 and 8 s of silence.
    const f = await start({ bodyTimeoutMs: 5_000, maxConnections: 10 });
    expect(f.lines.find((l) => l.startsWith('LOG ') && l.includes('not applied under Bun'))).toMatch(/: maxConnections$/);
    const socket = connect(f.port, '127.0.0.1');
    socket.on('error', () => {});
    const t0 = Date.now();
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - t0)));
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a few bytes');
    const ms = await Promise.race([closed, sleep(15_000).then(() => 'still open')]);
    socket.destroy();
    expect(ms).not.toBe('still open');
    expect(ms).toBeGreaterThanOrEqual(3_000);
  });

  it('should cut off a request still running after shutdownTimeoutMs', async () => {
    const f = await start();
    const slow = fetch(`${f.url}/slow?ms=20000`).then(
      (r) => r.status,
      () => 'cut',
    );
    await sleep(100);
    const t0 = Date.now();
    f.child.kill('SIGTERM');
    expect(await f.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await slow).toBe('cut');
  });
});
