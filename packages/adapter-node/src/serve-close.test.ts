import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeRegistryServer } from './serve.js';
import { get, openSocket, serveFetch, sleep, until } from './test-utils.js';

const servers: NodeRegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('NodeRegistryServer.close', () => {
  it('should let an in-flight slow request finish, then refuse new connections', async () => {
    let started = false;
    const s = await serveFetch(async (req) => {
      if (new URL(req.url).pathname === '/slow') {
        started = true;
        await sleep(300);
      }
      return new Response('done');
    });
    servers.push(s);
    const agent = new Agent({ keepAlive: true });
    try {
      const slow = get(s.port, '/slow', { agent });
      await until(() => started);
      let closed = false;
      const closing = s.close().then(() => (closed = true));
      await sleep(50);
      expect(closed).toBe(false);
      await expect(openSocket(s.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      const res = await slow;
      expect(res).toMatchObject({ status: 200, body: 'done' });
      expect(res.headers.connection).toBe('close');
      await closing;
      expect(closed).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('should close idle keep-alive connections at once', async () => {
    const s = await serveFetch(() => new Response('ok'));
    const agent = new Agent({ keepAlive: true });
    try {
      await get(s.port, '/', { agent });
      const t0 = Date.now();
      await s.close();
      expect(Date.now() - t0).toBeLessThan(500);
    } finally {
      agent.destroy();
    }
  });

  it('should end a keep-alive connection once its streaming response is done', async () => {
    let push!: (c: ReadableStreamDefaultController<Uint8Array>) => void;
    const s = await serveFetch(() => new Response(new ReadableStream<Uint8Array>({ start: (c) => push(c) })));
    const controller = new Promise<ReadableStreamDefaultController<Uint8Array>>((r) => (push = r));
    const agent = new Agent({ keepAlive: true });
    try {
      const res = get(s.port, '/', { agent });
      const c = await controller;
      c.enqueue(new TextEncoder().encode('part;'));
      await sleep(50); // headers are out, with keep-alive
      const closing = s.close();
      c.enqueue(new TextEncoder().encode('rest'));
      c.close();
      expect((await res).body).toBe('part;rest');
      const t0 = Date.now();
      await closing;
      expect(Date.now() - t0).toBeLessThan(500);
    } finally {
      agent.destroy();
    }
  });

  it('should destroy busy sockets after shutdownTimeoutMs and error the body being read', async () => {
    let bodyError: unknown;
    let reading = false;
    const s = await serveFetch(
      async (req) => {
        reading = true;
        try {
          await req.arrayBuffer();
        } catch (e) {
          bodyError = e;
        }
        return new Response('unreachable');
      },
      { shutdownTimeoutMs: 200 },
    );
    const req = request({ host: '127.0.0.1', port: s.port, method: 'PUT', path: '/', headers: { 'content-length': 1_000_000 } });
    const clientError = new Promise<Error>((resolve) => req.on('error', resolve));
    req.write('partial');
    await until(() => reading);
    const t0 = Date.now();
    await s.close();
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1000);
    expect(await clientError).toMatchObject({ code: 'ECONNRESET' });
    await until(() => bodyError !== undefined);
    expect(bodyError).toBeInstanceOf(Error);
  });

  it('should return the same promise when called twice', async () => {
    const s = await serveFetch(() => new Response());
    const first = s.close();
    expect(s.close()).toBe(first);
    await first;
  });
});
