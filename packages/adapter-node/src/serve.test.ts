import { Agent } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type NodeRegistryServer } from './serve.js';
import { exchange, get, serveFetch } from './test-utils.js';

const servers: NodeRegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('serve', () => {
  it('should listen on 127.0.0.1 with a random port and report where', async () => {
    let reported: unknown;
    const s = await serve({ fetch: () => new Response('hi') }, { port: 0, onListen: (info) => (reported = info) });
    servers.push(s);
    expect(s.hostname).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.server.address()).toMatchObject({ address: '127.0.0.1', port: s.port });
    expect(reported).toEqual({ url: s.url, port: s.port, hostname: '127.0.0.1' });
    expect(await (await fetch(s.url)).text()).toBe('hi');
  });

  it('should close the connection after answering before the body was read, so keep-alive clients do not reuse it', async () => {
    // The app refuses a large body after reading a little of it, as the JSON APIs' limits do.
    const s = await serveFetch(async (request) => {
      if (request.method === 'POST') {
        const reader = request.body?.getReader();
        await reader?.read();
        await reader?.cancel();
        return new Response('too large', { status: 413 });
      }
      return new Response(request.method === 'PUT' ? await request.text() : 'ok');
    });
    servers.push(s);
    const refused = await fetch(s.url, { method: 'POST', body: new Uint8Array(4 * 1024 * 1024) });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('connection')).toBe('close');
    await refused.text();
    for (let i = 0; i < 3; i++) expect(await (await fetch(s.url)).text()).toBe('ok');
    const plain = await fetch(s.url, { method: 'PUT', body: 'small' });
    expect(plain.headers.get('connection')).not.toBe('close');
  });

  it('should reject when the port is taken', async () => {
    const s = await serveFetch(() => new Response());
    servers.push(s);
    await expect(serve({ fetch: () => new Response() }, { port: s.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('should apply timeouts fit for long uploads, and caps', async () => {
    const s = await serveFetch(() => new Response());
    servers.push(s);
    expect(s.server.requestTimeout).toBe(0);
    expect(s.server.keepAliveTimeout).toBe(65_000);
    expect(s.server.headersTimeout).toBe(30_000);
    expect(s.server.maxHeadersCount).toBe(100);
    expect(s.server.maxConnections).toBeGreaterThanOrEqual(16);
    expect(s.server.maxConnections).toBeLessThanOrEqual(1024);
  });

  it('should take the timeouts and caps given, keeping the header timeout within the request timeout', async () => {
    const s = await serveFetch(() => new Response(), { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxConnections: 7 });
    servers.push(s);
    expect(s.server).toMatchObject({ headersTimeout: 10_000, requestTimeout: 10_000, keepAliveTimeout: 5_000, maxConnections: 7 });
  });

  it('should serve a Hono app and give it Node objects as env', async () => {
    const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
    app.get('/v2/', (c) => c.json({ node: typeof c.env.incoming.socket.remotePort === 'number' }));
    const s = await serve(app, { port: 0 });
    servers.push(s);
    const res = await fetch(`${s.url}/v2/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ node: true });
  });

  it('should answer 500 when the app throws, and keep serving', async () => {
    const s = await serveFetch((req) => {
      if (new URL(req.url).pathname === '/boom') throw new Error('boom');
      return new Response('ok');
    });
    servers.push(s);
    expect((await get(s.port, '/boom')).status).toBe(500);
    expect((await get(s.port, '/')).body).toBe('ok');
  });

  it('should reuse a keep-alive connection for consecutive requests', async () => {
    const s = await serveFetch((_req, env: { incoming: IncomingMessage }) => new Response(String(env.incoming.socket.remotePort)));
    servers.push(s);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(s.port, '/a', { agent });
      const second = await get(s.port, '/b', { agent, method: 'POST', body: 'x'.repeat(100_000) });
      expect(second.body).toBe(first.body);
    } finally {
      agent.destroy();
    }
  });

  it('should answer pipelined requests in order on one connection', async () => {
    const s = await serveFetch(async (req) => new Response(`${new URL(req.url).pathname}:${(await req.arrayBuffer()).byteLength};`));
    servers.push(s);
    const body = 'x'.repeat(70_000);
    const raw = await exchange(
      s.port,
      `POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /b HTTP/1.1\r\nHost: h\r\n\r\n' +
        'GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    expect(raw.match(/\/\w:\d+;/g)).toEqual(['/a:70000;', '/b:0;', '/c:0;']);
  });

  it('should build request URLs from the bound address when a client sends no Host', async () => {
    const s = await serveFetch((req) => new Response(req.url));
    servers.push(s);
    const raw = await exchange(s.port, 'GET /v2/?n=1 HTTP/1.0\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.endsWith(`\r\n\r\nhttp://127.0.0.1:${s.port}/v2/?n=1`)).toBe(true);
  });
});
