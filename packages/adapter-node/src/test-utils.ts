/**
 * Socket-level helpers shared by this package's tests. Not exported from the package.
 * @module
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { serve, type FetchApp, type NodeRegistryServer, type ServeOptions } from './serve.js';

/** Serves `fetch` on a random port of 127.0.0.1; pass the result to {@link closeAll} in `afterEach`. */
export function serveFetch(
  fetch: FetchApp['fetch'],
  options: ServeOptions = {},
): Promise<NodeRegistryServer> {
  return serve({ fetch }, { port: 0, ...options });
}

/** Opens a TCP connection and resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `data` on a fresh connection and resolves with everything received until the server closes it. */
export async function exchange(port: number, data: string | Uint8Array): Promise<string> {
  const socket = await openSocket(port);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(data);
  });
}

/** The ClientHello Node's TLS client sends first, captured from a real `tls.connect`. */
export function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const capture = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        capture.close();
        resolve(chunk);
      });
    });
    capture.listen(0, '127.0.0.1', () => {
      const { port } = capture.address() as { port: number };
      const tls = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' });
      tls.on('error', () => {});
    });
    capture.on('error', reject);
  });
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request through `node:http`, body read whole (tests only). */
export function get(
  port: number,
  path: string,
  init: { method?: string; agent?: Agent; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
