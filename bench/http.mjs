/**
 * A minimal HTTP client over node:http with keep-alive agents, so that the client does as
 * little as possible per request: bodies are streamed from files or sent as Buffers, and
 * responses are either collected (small) or streamed into a hash and discarded (blobs).
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
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
