import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeRegistryServer, ServeOptions } from './serve.js';
import { get, openSocket, serveFetch, sleep, until } from './test-utils.js';

const servers: NodeRegistryServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Serves an app whose `/upload` reads the whole body (after `?wait=ms`) and answers its size and hash. */
async function start(options: ServeOptions = {}): Promise<{ s: NodeRegistryServer; lines: string[] }> {
  const lines: string[] = [];
  const s = await serveFetch(
    async (req) => {
      const url = new URL(req.url);
      await sleep(Number(url.searchParams.get('wait') ?? 0));
      if (url.pathname !== '/upload' || !req.body) return new Response('ok');
      const hash = createHash('sha256');
      let bytes = 0;
      const reader = req.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        hash.update(r.value);
        bytes += r.value.byteLength;
      }
      return Response.json({ bytes, sha256: hash.digest('hex') });
    },
    { logger: (line) => lines.push(line), shutdownTimeoutMs: 500, ...options },
  );
  servers.push(s);
  return { s, lines };
}

/** A raw connection that records what it receives and when it closed. */
async function rawClient(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; text: () => string; closed: Promise<number> }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
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
}

const connections = (s: NodeRegistryServer) => new Promise<number>((resolve) => s.server.getConnections((_e, n) => resolve(n)));

/** Writes `chunk` every `everyMs` until the socket closes or `stop()` is called. */
function trickle(socket: Socket, chunk: string | Buffer, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write(chunk);
  }, everyMs);
  return () => clearInterval(timer);
}

describe('serve timeouts', () => {
  it('should answer 408 and close when the request head does not arrive within headersTimeoutMs', async () => {
    const { s } = await start({ headersTimeoutMs: 500 });
    const c = await rawClient(s.port);
    c.socket.write('GET / HTTP/1.1\r\n');
    const stop = trickle(c.socket, 'X-Slow: 1\r\n', 100);
    const ms = await c.closed;
    stop();
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(5_000);
  });

  it('should cut a body trickling below the minimum rate with a 408 and one access-log line', async () => {
    const { s, lines } = await start({ bodyTimeoutMs: 600, bodyMinBytesPerSecond: 100 });
    const c = await rawClient(s.port);
    c.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    const stop = trickle(c.socket, 'a', 50);
    const ms = await c.closed;
    stop();
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeLessThan(5_000);
    await until(() => lines.length === 1);
    expect(lines[0]).toMatch(/"POST \/upload HTTP\/1\.1" 408 - \d+ms "request body too slow: \d+ bytes in 1s"$/);
  });

  it('should cut a body that stops coming after bodyTimeoutMs', async () => {
    const { s, lines } = await start({ bodyTimeoutMs: 500, bodyMinBytesPerSecond: 0 });
    const c = await rawClient(s.port);
    c.socket.write('PATCH /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
    const ms = await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(5_000);
    await until(() => lines.length === 1);
    expect(lines[0]).toMatch(/ 408 - \d+ms "no request body bytes for \d+s"$/);
  });

  it('should let a steady body above the minimum rate run for many windows', async () => {
    const { s } = await start({ bodyTimeoutMs: 300, bodyMinBytesPerSecond: 1_000 });
    const c = await rawClient(s.port);
    const chunk = Buffer.alloc(1_000, 'b');
    const total = 20 * chunk.byteLength;
    c.socket.write(`PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
    for (let i = 0; i < 20; i++) {
      c.socket.write(chunk);
      await sleep(75); // ≈ 13 KB/s over 1.5 s: five windows
    }
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.text()).toContain(`"bytes":${total}`);
  });

  it('should not hold against the client the time the app spends not reading', async () => {
    // 16 MiB cannot all sit in socket buffers: the server pauses the socket while the app waits.
    const { s } = await start({ bodyTimeoutMs: 300, bodyMinBytesPerSecond: 1_000 });
    const body = Buffer.alloc(16 * 1024 * 1024, 'c');
    const res = await fetch(`${s.url}/upload?wait=1500`, { method: 'PUT', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('should not count the idle time of a keep-alive connection against its next request head', async () => {
    const { s } = await start({ headersTimeoutMs: 300, keepAliveTimeoutMs: 5_000 });
    const c = await rawClient(s.port);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(800);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await c.closed;
    expect(c.text().match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });

  it('should close idle keep-alive connections after keepAliveTimeoutMs', async () => {
    const { s } = await start({ keepAliveTimeoutMs: 300 });
    const c = await rawClient(s.port);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const ms = await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('serve connection caps', () => {
  it('should close connections over maxConnectionsPerAddress at once, without affecting other addresses', async () => {
    const { s, lines } = await start({ maxConnectionsPerAddress: 3 });
    const held = await Promise.all([1, 2, 3].map(() => rawClient(s.port)));
    const extra = await rawClient(s.port);
    expect(await Promise.race([extra.closed, sleep(3_000).then(() => 'still open')])).not.toBe('still open');
    // Another loopback address (Linux routes all of 127/8 to lo) is a different client.
    const other = await rawClient(s.port, '127.0.0.2');
    other.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await other.closed;
    expect(other.text()).toMatch(/^HTTP\/1\.1 200 /);
    // The held ones still work, and once one goes, its address may connect again.
    held[0]?.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await held[0]?.closed;
    expect(held[0]?.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect((await get(s.port, '/')).status).toBe(200);
    expect(lines.some((l) => / 127\.0\.0\.1 refused 1 connection\(s\) .*maxConnectionsPerAddress/.test(l))).toBe(true);
  });

  it('should close connections over maxConnections, closing idle keep-alive ones to make room', async () => {
    const { s, lines } = await start({ maxConnections: 3, maxConnectionsPerAddress: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    try {
      // Three idle keep-alive connections fill the server.
      await Promise.all([1, 2, 3].map(() => get(s.port, '/?wait=100', { agent })));
      expect(await connections(s)).toBe(3);
      const refused = await rawClient(s.port);
      expect(await Promise.race([refused.closed, sleep(3_000).then(() => 'still open')])).not.toBe('still open');
      expect(lines.some((l) => /refused 1 connection\(s\): the server has 3 open \(maxConnections\)/.test(l))).toBe(true);
      // The refusal closed the idle ones, so the next client gets in.
      await until(() => Object.keys(agent.freeSockets).length === 0, 3_000);
      expect((await get(s.port, '/')).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('should keep serving after a flood of connections from one address', async () => {
    const { s } = await start({ maxConnectionsPerAddress: 10, headersTimeoutMs: 60_000 });
    const flood = await Promise.allSettled(Array.from({ length: 100 }, () => openSocket(s.port)));
    for (const r of flood) if (r.status === 'fulfilled') sockets.push(r.value.on('error', () => {}));
    // The head timeout is a minute: only the cap can close them this soon.
    await until(() => sockets.filter((k) => !k.destroyed).length <= 10, 5_000);
    expect(sockets.filter((k) => !k.destroyed)).toHaveLength(10);
    const t0 = Date.now();
    const other = await rawClient(s.port, '127.0.0.2');
    other.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await other.closed;
    expect(other.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });
});
