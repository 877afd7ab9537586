import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeRegistryServer } from './serve.js';
import { serveFetch, sleep, until } from './test-utils.js';

const MiB = 1024 * 1024;
const servers: NodeRegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Starts a POST and writes `total` bytes (one reused 1 MiB buffer) as fast as the socket takes them. */
function upload(port: number, total: number, headers: Record<string, string | number> = {}) {
  const chunk = Buffer.alloc(MiB, 7);
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/upload', headers });
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      sent += chunk.length;
      if (!req.write(chunk)) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  response.catch(() => {}); // tests that abort never await it
  return { req, response, sent: () => sent, chunk };
}

describe('serve streaming', () => {
  it('should stream a 256 MiB upload through the handler with bounded memory', async () => {
    const s = await serveFetch(async (req) => {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const part of req.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(part);
        bytes += part.byteLength;
      }
      return new Response(`${bytes} ${hash.digest('hex')}`);
    });
    servers.push(s);
    const total = 256 * MiB;
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { response, chunk } = upload(s.port, total, { 'content-length': total });
    const res = await response;
    clearInterval(sampler);

    const expected = createHash('sha256');
    for (let i = 0; i < total / MiB; i++) expected.update(chunk);
    expect(res).toEqual({ status: 200, body: `${total} ${expected.digest('hex')}` });
    // Buffering the body whole would add at least its 256 MiB; streaming stays far below. The
    // bound leaves room for the garbage collector running late on a busy machine (up to ~115 MiB seen).
    expect((peak - baseline) / MiB).toBeLessThan(160);
  });

  it('should pause the socket while the handler does not read (1 GiB upload)', async () => {
    let socket: Socket | undefined;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = await serveFetch(async (req, env: { incoming: IncomingMessage }) => {
      socket = env.incoming.socket;
      const reader = (req.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await released;
      await reader.cancel();
      return new Response('stopped', { status: 413 });
    });
    servers.push(s);
    const { req, sent } = upload(s.port, 1024 * MiB);
    req.on('error', () => {});
    await until(() => socket !== undefined);
    await sleep(300);
    const read = socket!.bytesRead;
    await sleep(200);
    expect(socket!.bytesRead).toBe(read);
    expect(read).toBeLessThan(8 * MiB);
    expect(socket!.isPaused()).toBe(true);
    expect(sent()).toBeLessThan(64 * MiB);
    release();
    req.destroy();
  });

  it('should stream a 1 GiB response to a slow reader without buffering it', async () => {
    let produced = 0;
    const total = 1024 * MiB;
    const s = await serveFetch(
      () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                produced += MiB;
                controller.enqueue(new Uint8Array(MiB));
                if (produced >= total) controller.close();
              },
            },
            { highWaterMark: 0 },
          ),
          { headers: { 'content-length': String(total) } },
        ),
    );
    servers.push(s);
    let received = 0;
    const req = request({ host: '127.0.0.1', port: s.port, path: '/blob' }, (res) => {
      res.on('data', (d: Buffer) => {
        received += d.length;
        res.pause();
      });
    });
    req.on('error', () => {});
    req.end();
    await until(() => received > 0);
    await sleep(300);
    const before = produced;
    await sleep(200);
    expect(produced).toBe(before);
    expect(produced).toBeLessThan(32 * MiB);
    req.destroy();
  });

  it('should make the handler body reader reject when the client disconnects mid-upload', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      let outcome: { error: unknown; bytes: number; aborted: boolean } | undefined;
      const s = await serveFetch(async (req) => {
        let bytes = 0;
        try {
          for await (const part of req.body as unknown as AsyncIterable<Uint8Array>) bytes += part.byteLength;
        } catch (error) {
          outcome = { error, bytes, aborted: req.signal.aborted };
          throw error;
        }
        return new Response('complete?!');
      });
      servers.push(s);
      const { req } = upload(s.port, 4 * MiB, { 'content-length': 64 * MiB });
      req.on('error', () => {});
      await sleep(100);
      req.destroy();
      await until(() => outcome !== undefined);
      expect(outcome!.error).toBeInstanceOf(Error);
      expect(outcome!.bytes).toBeGreaterThan(0);
      expect(outcome!.bytes).toBeLessThanOrEqual(4 * MiB);
      expect(outcome!.aborted).toBe(true);
      await sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('should reset the connection when the response body fails midway', async () => {
    // @hono/node-server reports the stream error with console.error
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let sent = 0;
      const s = await serveFetch(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              pull(controller) {
                if (sent >= 3 * 65536) return controller.error(new Error('disk gone'));
                sent += 65536;
                controller.enqueue(new Uint8Array(65536));
              },
            }),
            { headers: { 'content-length': String(MiB) } },
          ),
      );
      servers.push(s);
      const outcome = await new Promise<string>((resolve) => {
        request({ host: '127.0.0.1', port: s.port, path: '/blob' }, (res) => {
          res.resume();
          res.on('end', () => resolve('end'));
          res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        })
          .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
          .end();
      });
      expect(outcome).toBe('ECONNRESET');
      expect((await fetch(s.url)).status).toBe(200);
    } finally {
      consoleError.mockRestore();
    }
  });
});
