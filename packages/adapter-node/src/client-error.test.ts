import { Agent } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { isTlsHandshake, TLS_ON_PLAIN_HTTP_MESSAGE } from './client-error.js';
import type { NodeRegistryServer } from './serve.js';
import { captureClientHello, exchange, get, serveFetch } from './test-utils.js';

const servers: NodeRegistryServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(): Promise<NodeRegistryServer> {
  const s = await serveFetch((_req, env: { incoming: IncomingMessage }) => new Response(`port ${env.incoming.socket.remotePort}`));
  servers.push(s);
  return s;
}

describe('TLS on the plain-HTTP port', () => {
  it('should answer a real ClientHello with 400, Connection: close and an explanation, then close', async () => {
    const s = await start();
    const hello = await captureClientHello();
    expect(hello[0]).toBe(0x16);
    const raw = await exchange(s.port, hello);
    const [head = '', body] = raw.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(head).toMatch(/^Connection: close$/m);
    expect(head).toMatch(new RegExp(`^Content-Length: ${TLS_ON_PLAIN_HTTP_MESSAGE.length}$`, 'm'));
    expect(body).toBe(TLS_ON_PLAIN_HTTP_MESSAGE);
  });

  it('should make a TLS client fail fast instead of hanging', async () => {
    const s = await start();
    const error = await new Promise<Error>((resolve) => {
      const socket = tlsConnect({ port: s.port, host: '127.0.0.1', rejectUnauthorized: false });
      socket.once('error', resolve);
    });
    expect(error.message).toMatch(/wrong version number|packet length too long|unexpected eof/i);
  });

  it('should keep serving plain HTTP, with keep-alive, after a TLS probe', async () => {
    const s = await start();
    await exchange(s.port, await captureClientHello());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(s.port, '/v2/', { agent });
      const second = await get(s.port, '/v2/', { agent });
      expect(first.status).toBe(200);
      expect(second.body).toBe(first.body);
    } finally {
      agent.destroy();
    }
  });

  it('should answer other unparsable input with a bare 400', async () => {
    const s = await start();
    const raw = await exchange(s.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).not.toContain(TLS_ON_PLAIN_HTTP_MESSAGE);
  });

  it('should answer oversized headers with 431', async () => {
    const s = await start();
    const raw = await exchange(s.port, `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('isTlsHandshake', () => {
  it('should recognise a handshake record by its first byte', () => {
    expect(isTlsHandshake(Uint8Array.of(0x16, 0x03, 0x01))).toBe(true);
    expect(isTlsHandshake(Buffer.from('GET / HTTP/1.1'))).toBe(false);
    expect(isTlsHandshake(new Uint8Array(0))).toBe(false);
    expect(isTlsHandshake(undefined)).toBe(false);
  });
});
