/**
 * A minimal HTTP client over node:http with keep-alive agents, so that the client does as
 * little as possible per request: bodies are streamed from files or sent as Buffers, and
 * responses are either collected (small) or streamed into a hash and discarded (blobs).
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { pipeline } from 'node:stream/promises';

/** A keep-alive agent with `maxSockets` sized to the concurrency of a workload. */
export function keepAliveAgent(maxSockets) {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
}

/** A request idle this long (no bytes either way) is abandoned as stuck. */
const IDLE_TIMEOUT_MS = 120_000;

export class HttpError extends Error {
  constructor(message, status, body) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Sends one request. `body` is a Buffer, a string, a Readable, or undefined.
 * `hashResponse: true` streams the response body into sha256 and returns `{ digest, bytes }`
 * instead of the body. Rejects with HttpError when the status is not in `expect`.
 */
export function send(url, { method = 'GET', headers = {}, body, agent, expect, hashResponse = false } = {}) {
  return new Promise((resolve, reject) => {
    const u = typeof url === 'string' ? new URL(url) : url;
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers,
        agent,
      },
      (res) => {
        const ok = !expect || (Array.isArray(expect) ? expect.includes(res.statusCode) : res.statusCode === expect);
        if (ok && hashResponse) {
          const hash = createHash('sha256');
          let bytes = 0;
          res.on('data', (chunk) => {
            bytes += chunk.length;
            hash.update(chunk);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, digest: `sha256:${hash.digest('hex')}`, bytes }),
          );
          res.on('error', reject);
          return;
        }
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          if (!ok) {
            const text = buf.toString('utf8').slice(0, 500);
            reject(new HttpError(`${method} ${u.pathname}: HTTP ${res.statusCode} (expected ${expect}): ${text}`, res.statusCode, text));
          } else {
            resolve({ status: res.statusCode, headers: res.headers, body: buf });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // Only a stuck server trips this: no byte in either direction for this long.
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${u.pathname}: no progress for ${IDLE_TIMEOUT_MS / 1000} s`)));
    if (body === undefined || body === null) {
      req.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      pipeline(body, req).catch(reject);
    }
  });
}

/** Resolves a Location header against the registry's base URL. */
export function resolveLocation(baseUrl, location) {
  if (!location) throw new Error('response has no Location header');
  return new URL(location, baseUrl);
}

/** The upload URL with `digest=` added to whatever query it already has. */
export function withDigest(uploadUrl, digest) {
  const u = new URL(uploadUrl);
  u.searchParams.set('digest', digest);
  return u;
}

/**
 * GETs `url` over a fresh raw TCP connection and counts the body, reading into one reused
 * 4 MiB buffer (socket `onread`), so that the client costs as little as possible: for pulls
 * at GB/s node:http's per-chunk Buffers and events, and an in-line sha256, are slower than
 * the servers under test. With `hash: true` the body is also sha256-hashed as it arrives.
 * Needs a Content-Length response (no chunked encoding); resolves `{ status, bytes, digest? }`.
 */
export function rawGet(url, { hash = false, headers = {} } = {}) {
  const u = typeof url === 'string' ? new URL(url) : url;
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    const hasher = hash ? createHash('sha256') : undefined;
    let head = Buffer.alloc(0);
    let status;
    let length;
    let bytes = 0;
    let failed = false;
    const fail = (error) => {
      if (failed) return;
      failed = true;
      socket.destroy();
      reject(error);
    };
    const body = (chunk) => {
      bytes += chunk.length;
      hasher?.update(chunk);
    };
    const socket = netConnect({
      host: u.hostname,
      port: Number(u.port),
      onread: {
        buffer,
        callback(n, buf) {
          if (failed) return false;
          if (status === undefined) {
            head = Buffer.concat([head, buf.subarray(0, n)]);
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) return true;
            const lines = head.subarray(0, end).toString('latin1').split('\r\n');
            status = Number(lines[0].split(' ')[1]);
            const fields = Object.fromEntries(
              lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
            );
            if (status !== 200) {
              fail(new HttpError(`GET ${u.pathname}: HTTP ${status} (expected 200)`, status, ''));
              return false;
            }
            if (fields['transfer-encoding'] || fields['content-length'] === undefined) {
              fail(new Error(`GET ${u.pathname}: rawGet needs a Content-Length response`));
              return false;
            }
            length = Number(fields['content-length']);
            body(head.subarray(end + 4));
            head = undefined;
          } else {
            body(buf.subarray(0, n));
          }
          return true;
        },
      },
    });
    socket.on('connect', () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n${extra}Connection: close\r\n\r\n`);
    });
    socket.on('error', fail);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => fail(new Error(`GET ${u.pathname}: no progress for ${IDLE_TIMEOUT_MS / 1000} s`)));
    socket.on('close', () => {
      if (failed) return;
      if (status === undefined) return fail(new Error(`GET ${u.pathname}: connection closed before the response headers`));
      if (bytes !== length) return fail(new Error(`GET ${u.pathname}: got ${bytes} body bytes, Content-Length was ${length}`));
      resolve({ status, bytes, digest: hasher ? `sha256:${hasher.digest('hex')}` : undefined });
    });
  });
}
