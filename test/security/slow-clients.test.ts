/**
 * Slow and hoarding clients against the standalone server with token auth (issue 9, finding 4):
 * a body trickled one byte at a time, hundreds of slow sockets from one address, idle keep-alive
 * connections, aborted bodies. The server runs with short limits so that each case takes
 * seconds; the defaults are the same mechanisms with longer windows (see server-limits.ts).
 *
 * The legitimate client connects from 127.0.0.2, the attacker from 127.0.0.1: Linux routes all
 * of 127/8 to loopback, so they are two addresses to the server.
 *
 * Running out of file descriptors needs a process with a low open-file limit: the standalone
 * server is bundled from the sources (esbuild, as the test imports them) and started under
 * `ulimit -n 128`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve, type NodeRegistryServer } from '@wharf/adapter-node';
import { createStandaloneApp, SERVICE } from '@wharf/server';

const ADMIN_PASSWORD = 'admin-slow-clients-password-0123';
const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIMITS = { headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000, bodyMinBytesPerSecond: 1_024, keepAliveTimeoutMs: 500, maxConnections: 120, maxConnectionsPerAddress: 50 };

interface RawClient {
  readonly socket: Socket;
  readonly text: () => string;
  /** Resolves with the milliseconds from connecting to close. */
  readonly closed: Promise<number>;
}

describe('slow clients', () => {
  let dir: string;
  let server: NodeRegistryServer;
  const log: string[] = [];
  const sockets: Socket[] = [];

  const rawClient = async (localAddress = '127.0.0.1'): Promise<RawClient> => {
    const socket = connect({ port: server.port, host: '127.0.0.1', localAddress });
    sockets.push(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    const t0 = Date.now();
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - t0)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return { socket, text: () => Buffer.concat(chunks).toString('latin1'), closed };
  };
  /** Resolves with the value of `promise`, or 'timeout' after `ms`. */
  const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, sleep(ms).then(() => 'timeout' as const)]);
  /** Writes `chunk` every `everyMs` until the socket closes; returns the stop function. */
  const trickle = (socket: Socket, chunk: string | Buffer, everyMs: number) => {
    const timer = setInterval(() => (socket.writable ? socket.write(chunk) : clearInterval(timer)), everyMs);
    return () => clearInterval(timer);
  };
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
  };
  const pushToken = async () => {
    const res = await fetch(`${server.url}/auth/token?service=${SERVICE}&scope=repository:team/app:pull,push`, { headers: { Authorization: basic } });
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-slow-clients-'));
    const { app } = await createStandaloneApp({ dataDir: dir, auth: 'token', adminPassword: ADMIN_PASSWORD });
    server = await serve(app, { port: 0, logger: (line) => log.push(line), ...LIMITS });
    await admin('/groups', { path: 'team', visibility: 'private' });
    await admin('/projects', { path: 'team/app', visibility: 'private' });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should cut a POST /auth/token whose body trickles in one byte at a time', async () => {
    const c = await rawClient();
    const form = 'grant_type=password&service=wharf-registry&username=admin&password=x';
    c.socket.write(`POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`);
    let sent = 0;
    const stop = trickle(c.socket, Buffer.from([0x61]), 200);
    const ms = await within(c.closed, 8_000);
    stop();
    sent = c.socket.bytesWritten;
    expect(ms).not.toBe('timeout');
    // Cut after one body window (1 s here; 60 s by default), well before the form was complete.
    expect(sent).toBeLessThan(400);
    expect(c.text()).toMatch(/^(HTTP\/1\.1 408 Request Timeout\r\n|$)/);
    await vi.waitFor(() => expect(log.some((l) => /"POST \/auth\/token HTTP\/1\.1" 408 - \d+ms "request body too slow/.test(l))).toBe(true));
  });

  it('should cut a request whose headers trickle in', async () => {
    const c = await rawClient();
    c.socket.write('GET /v2/ HTTP/1.1\r\n');
    const stop = trickle(c.socket, 'X-Padding: 1\r\n', 100);
    const ms = await within(c.closed, 8_000);
    stop();
    expect(ms).not.toBe('timeout');
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('should answer another address promptly while 200 slow sockets from one address are open', async () => {
    const attackers = (await Promise.allSettled(Array.from({ length: 200 }, () => rawClient()))).flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const a of attackers) if (a.socket.writable) a.socket.write('POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ng');
    // 200 from one address would fill the server's 120 slots; the per-address cap keeps 70 free.
    const t0 = Date.now();
    const legit = await rawClient('127.0.0.2');
    legit.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await within(legit.closed, 8_000)).not.toBe('timeout');
    expect(legit.text()).toMatch(/^HTTP\/1\.1 401 /);
    expect(Date.now() - t0).toBeLessThan(4_000);
    // Every attacker socket goes: those over the cap at once and without a byte, the others by the body timeout.
    for (const a of attackers) expect(await within(a.closed, 8_000)).not.toBe('timeout');
    const refused = attackers.filter((a) => a.text() === '').length;
    expect(attackers.filter((a) => a.text() !== '').every((a) => a.text().startsWith('HTTP/1.1 408 '))).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(attackers.length - LIMITS.maxConnectionsPerAddress);
    expect(attackers.length - refused).toBeLessThanOrEqual(LIMITS.maxConnectionsPerAddress);
    expect(log.some((l) => / 127\.0\.0\.1 refused \d+ connection\(s\) .*maxConnectionsPerAddress/.test(l))).toBe(true);
  });

  it('should close idle keep-alive connections', async () => {
    const c = await rawClient('127.0.0.2');
    c.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
    // keepAliveTimeoutMs 500 (Node adds up to a second of its own)
    expect(await within(c.closed, 5_000)).not.toBe('timeout');
    expect(c.text()).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('should let a slow but steady blob upload above the minimum rate complete', async () => {
    const token = await pushToken();
    const start = await fetch(`${server.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') as string, server.url);
    const hash = createHash('sha256');
    // 8 KiB every 100 ms ≈ 80 KiB/s for about 3 s: three body windows.
    const patched = await new Promise<{ status: number; location: string }>((resolve, reject) => {
      const req = httpRequest(location, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) });
      });
      req.on('error', reject);
      void (async () => {
        for (let i = 0; i < 30; i++) {
          const chunk = Buffer.alloc(8 * 1024, i);
          hash.update(chunk);
          req.write(chunk);
          await sleep(100);
        }
        req.end();
      })();
    });
    expect(patched.status).toBe(202);
    const digest = `sha256:${hash.digest('hex')}`;
    const put = new URL(patched.location, server.url);
    put.searchParams.set('digest', digest);
    const done = await fetch(put, { method: 'PUT', headers: { Authorization: `Bearer ${token}` } });
    expect(done.status).toBe(201);
    const head = await fetch(`${server.url}/v2/team/app/blobs/${digest}`, { method: 'HEAD', headers: { Authorization: `Bearer ${token}` } });
    expect(head.headers.get('content-length')).toBe(String(30 * 8 * 1024));
  });

  it('should log one line, and no stack trace, for aborted and timed-out bodies', async () => {
    const printed: string[] = [];
    const capture = (...args: unknown[]) => void printed.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
    for (const method of ['error', 'warn', 'info', 'log'] as const) vi.spyOn(console, method).mockImplementation(capture);
    const before = log.length;
    const token = await pushToken();
    const upload = await fetch(`${server.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const uploadPath = new URL(upload.headers.get('location') as string, server.url).pathname;
    const requests = [
      `POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ngrant_type=password&user`,
      `PATCH ${uploadPath} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n${'z'.repeat(5000)}`,
      `PUT /v2/team/app/manifests/latest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 5000\r\n\r\n{"schemaVersion":2,`,
      `POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"username":"`,
    ];
    // Each once aborted by the client, once cut by the server's body timeout.
    const clients = await Promise.all(requests.map(() => rawClient()));
    const slow = await Promise.all(requests.map(() => rawClient()));
    requests.forEach((r, i) => {
      clients[i]?.socket.write(r);
      slow[i]?.socket.write(r);
    });
    await sleep(300);
    for (const c of clients) c.socket.destroy();
    for (const c of slow) expect(await within(c.closed, 8_000)).not.toBe('timeout');
    await vi.waitFor(() => expect(log.length - before).toBeGreaterThanOrEqual(2 * requests.length + 2));
    await sleep(200);
    const lines = log.slice(before).filter((l) => !/ (200|202) /.test(l));
    expect(lines.filter((l) => l.endsWith('"connection closed early"'))).toHaveLength(requests.length);
    expect(lines.filter((l) => / 408 - \d+ms "(request body too slow|no request body bytes)/.test(l))).toHaveLength(requests.length);
    expect(printed.join('\n')).not.toMatch(/\n\s+at |Error/);
  });
});

/** The standalone server (auth none) bundled from the sources into `dir`; argv: data directory, serve() options as JSON. */
async function bundleServer(dir: string): Promise<string> {
  const src = (p: string) => fileURLToPath(new URL(`../../packages/${p}`, import.meta.url));
  const sources: Record<string, string> = {
    '@wharf/core': src('core/src/index.ts'),
    '@wharf/core/storage': src('core/src/storage/index.ts'),
    '@wharf/storage-fs': src('storage-fs/src/index.ts'),
    '@wharf/storage-s3/url': src('storage-s3/src/s3-url.ts'),
    '@wharf/access': src('access/src/index.ts'),
    '@wharf/adapter-node': src('adapter-node/src/index.ts'),
    '@wharf/adapter-bun': src('adapter-bun/src/index.ts'),
    '@wharf/server': src('server/src/index.ts'),
  };
  const outfile = join(dir, 'server.mjs');
  await build({
    stdin: {
      contents: `import { serve } from '@wharf/adapter-node';
        import { createStandaloneApp } from '@wharf/server';
        const { app } = await createStandaloneApp({ dataDir: process.argv[2], auth: 'none' });
        const server = await serve(app, { port: 0, logger: (line) => process.stdout.write(line + '\\n'), ...JSON.parse(process.argv[3]) });
        process.stdout.write('URL ' + server.url + '\\n');`,
      resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    // Only loaded for WHARF_STORAGE=s3.
    external: ['@wharf/storage-s3'],
    plugins: [{ name: 'wharf-sources', setup: (b) => void b.onResolve({ filter: /^@wharf\// }, (a) => (sources[a.path] ? { path: sources[a.path] } : undefined)) }],
  });
  return outfile;
}

describe.skipIf(process.platform !== 'linux')('a server with few file descriptors', () => {
  let dir: string;
  let bundle: string;
  const children: ChildProcess[] = [];

  /** Starts the bundled server under `ulimit -n 128`; resolves with its port and output. */
  const start = async (options: Record<string, number>) => {
    const data = join(dir, `data-${children.length}`);
    await mkdir(data);
    const child = spawn('sh', ['-c', 'ulimit -n 128 && exec "$0" "$@"', process.execPath, bundle, data, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const output: string[] = [];
    child.stdout?.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => output.push(b.toString()));
    await vi.waitFor(() => expect(output.join('')).toMatch(/^URL /m), { timeout: 15_000, interval: 50 });
    const port = Number(/^URL http:\/\/127\.0\.0\.1:(\d+)$/m.exec(output.join(''))?.[1]);
    return { child, port, output: () => output.join('') };
  };
  /** Opens `n` connections from 127.0.0.1 sending half a request each; resolves once each connected or failed. */
  const flood = async (port: number, n: number) => {
    const opened = await Promise.allSettled(
      Array.from({ length: n }, () => new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
        socket.on('error', reject);
      })),
    );
    const sockets = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    for (const s of sockets) {
      s.on('error', () => {});
      if (s.writable) s.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n');
    }
    return sockets;
  };
  /** GET /v2/ from 127.0.0.2; resolves with the status line, or the error's code. */
  const legitimate = (port: number) =>
    new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/v2/', localAddress: '127.0.0.2', agent: false, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(`HTTP ${res.statusCode}`);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end();
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-fd-limit-'));
    bundle = await bundleServer(dir);
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('should fit its default connection caps to the open-file limit and keep answering other addresses', async () => {
    // 128 descriptors: at most (128 - 64) / 2 = 32 connections, 8 per address.
    const server = await start({});
    const held = await flood(server.port, 300);
    try {
      expect(await legitimate(server.port)).toBe('HTTP 200');
      expect(server.child.exitCode).toBeNull();
      await vi.waitFor(() => expect(server.output()).toMatch(/ 127\.0\.0\.1 refused \d+ connection\(s\) .*\(maxConnectionsPerAddress\)/));
    } finally {
      for (const s of held) s.destroy();
    }
  });

  it('should survive running out of file descriptors (EMFILE on accept) and serve again afterwards', async () => {
    // Without caps the flood takes every descriptor; libuv then accepts and closes what is pending.
    const server = await start({ maxConnections: 10_000, maxConnectionsPerAddress: 0 });
    const held = await flood(server.port, 300);
    await sleep(500);
    expect(server.child.exitCode).toBeNull();
    for (const s of held) s.destroy();
    await vi.waitFor(async () => expect(await legitimate(server.port)).toBe('HTTP 200'), { timeout: 10_000, interval: 200 });
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/\n\s+at /);
  });
});
