/**
 * Serves a fetch-style app (a Wharf registry's Hono `app`, or anything with
 * `fetch(Request): Response`) with `Bun.serve`.
 *
 * Bun speaks Web `Request`/`Response` natively, so there is no translation layer: a request body
 * is Bun's own `ReadableStream`, pulled from the socket as the app reads it (with no size limit
 * here: blobs can be many gigabytes), and a response body is written as the app produces it.
 *
 * Around `Bun.serve` this module adds what adapter-node adds around Node's server: Bun's server
 * handed to the app as its Hono env (`{ server }`, so `getConnInfo(c)` of `./conn-info.ts`, like
 * `hono/bun`'s, tells the client address), an optional access log in adapter-node's format, and
 * a graceful {@link BunRegistryServer.close}. Differences from Node, all Bun's own doing, are
 * listed in the package README (dot segments, TLS on the plain port, timeouts and connection
 * caps: of adapter-node's limits, `Bun.serve` has only its idle timeout).
 *
 * Importing this module never touches the `Bun` global, so Node can import the package (for
 * types or to check its exports); only {@link serve} needs Bun.
 * @module
 */
import { type FetchApp, formatAccessLine, type ListenInfo, type ServeOptions, type ServerLimits } from '@wharf/core';
import { bunRuntime, type BunServer } from './bun-types.js';

export type { FetchApp, ListenInfo, ServeOptions, ServerLimits };

/** The second argument of {@link FetchApp.fetch} (Hono: `c.env`), as `hono/bun` expects it. */
export interface BunEnv {
  /** Bun's server object: `getConnInfo(c)` asks it for the client address. */
  readonly server: BunServer;
}

/** A listening server. */
export interface BunRegistryServer extends ListenInfo {
  /** The underlying Bun server. */
  readonly server: BunServer;
  /**
   * Stops accepting connections and lets in-flight requests finish (their responses carry
   * `Connection: close`), then resolves. Connections still busy after `shutdownTimeoutMs` are
   * closed. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}

/**
 * Seconds a request may go without traffic: a stalled body, but also an app that takes long to
 * answer (Bun has one timeout for both; at most 255). Long enough for a slow client's pauses
 * during a multi-gigabyte upload and for the app's slow moments (committing a large blob).
 * `bodyTimeoutMs` overrides it.
 */
const IDLE_TIMEOUT_S = 120;
/** Bun checks its timeouts in 4-second steps; a shorter timeout can fire on the next step despite traffic. */
const MIN_IDLE_TIMEOUT_S = 5;
/** {@link ServerLimits} that `Bun.serve` has no equivalent for: given ones are reported, not applied. */
const UNSUPPORTED_LIMITS = [
  'headersTimeoutMs',
  'requestTimeoutMs',
  'bodyMinBytesPerSecond',
  'keepAliveTimeoutMs',
  'maxConnections',
  'maxConnectionsPerAddress',
] as const satisfies readonly (keyof ServerLimits)[];

/**
 * Bun (1.4) drops the `Content-Length` of a Response whose body is a `ReadableStream` and sends
 * it chunked (oven-sh/bun#10507). Clients want the length of manifests and small blobs, so
 * stream bodies declaring at most this many bytes are read into memory first, which makes Bun
 * send the length; larger ones go out chunked.
 */
const BUFFER_DECLARED_UP_TO = 1024 * 1024;

/**
 * Serves `app` over HTTP/1.1 with `Bun.serve`.
 * @param app the fetch handler, e.g. `createRegistry({ storage }).app`.
 * @param options see {@link ServeOptions}.
 * @returns once listening.
 * @throws when not running on Bun, when the port cannot be bound (`EADDRINUSE`), or what
 *   `onListen` throws; nothing is left open. RangeError for a negative `bodyTimeoutMs`.
 * @example
 * const { app } = createRegistry({ storage: new FsStorage({ root: './data' }) });
 * const server = await serve(app, { port: 5000, logger: console.log });
 * process.once('SIGTERM', () => void server.close());
 */
export async function serve(app: FetchApp, options: ServeOptions = {}): Promise<BunRegistryServer> {
  const bun = bunRuntime();
  if (!bun) throw new Error('@wharf/adapter-bun: serve() needs the Bun runtime; on Node use @wharf/adapter-node');
  const { port = 5000, hostname = '127.0.0.1', shutdownTimeoutMs = 10_000, logger } = options;
  const log = logger || undefined;
  const idleTimeout = idleTimeoutSeconds(options.bodyTimeoutMs);
  let closing: Promise<void> | undefined;
  let defaultOrigin = '';

  const server = bun.serve({
    port,
    hostname,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    idleTimeout,
    development: false,
    async fetch(request, server) {
      const start = new Date();
      const t0 = performance.now();
      const remoteAddress = server.requestIP(request)?.address;
      // An HTTP/1.0 request without Host gets a bare path as its URL, which Hono cannot route.
      const req = request.url.startsWith('/') ? new Request(defaultOrigin + request.url, request) : request;
      const env: BunEnv = { server };
      let response: Response;
      try {
        response = await withDeclaredLength(await app.fetch(req, env));
      } catch {
        response = new Response(null, { status: 500 });
      }
      if (closing) response = withHeader(response, 'Connection', 'close');
      if (!log) return response;
      const url = new URL(req.url);
      return whenSent(response, req.method, (status) => {
        const length = Number(response.headers.get('content-length') ?? NaN);
        try {
          log(
            formatAccessLine({
              start,
              remote: remoteAddress,
              method: req.method,
              target: url.pathname + url.search,
              httpVersion: '1.1',
              status,
              bytes: req.method !== 'HEAD' && Number.isSafeInteger(length) && length >= 0 ? length : undefined,
              durationMs: performance.now() - t0,
            }),
          );
        } catch {
          // a broken logger must not take the server down
        }
      });
    },
    error: () => new Response(null, { status: 500 }),
  });

  const info: ListenInfo = { url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`, port: server.port, hostname };
  defaultOrigin = info.url;
  const unsupported = UNSUPPORTED_LIMITS.filter((key) => options[key] !== undefined);
  if (unsupported.length > 0) {
    try {
      log?.(`${new Date().toISOString()} - not applied under Bun (Bun.serve has no such setting): ${unsupported.join(', ')}`);
    } catch {
      // a broken logger must not take the server down
    }
  }
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const timer = setTimeout(() => void server.stop(true), shutdownTimeoutMs);
      try {
        await server.stop(false);
        // stop(false) resolves once the listener is closed; in-flight requests may still run.
        while (server.pendingRequests > 0) await new Promise((r) => setTimeout(r, 10));
      } finally {
        clearTimeout(timer);
      }
      await server.stop(true);
    })();
    return closing;
  };
  try {
    options.onListen?.(info);
  } catch (error) {
    await server.stop(true);
    throw error;
  }
  return { ...info, server, close };
}

/** Bun's `idleTimeout` for `bodyTimeoutMs` (whole seconds; 0: none). */
function idleTimeoutSeconds(bodyTimeoutMs: number | undefined): number {
  if (bodyTimeoutMs === undefined) return IDLE_TIMEOUT_S;
  if (!(Number.isFinite(bodyTimeoutMs) && bodyTimeoutMs >= 0)) throw new RangeError(`bodyTimeoutMs: expected a number ≥ 0, got ${bodyTimeoutMs}`);
  if (bodyTimeoutMs === 0) return 0;
  return Math.min(255, Math.max(MIN_IDLE_TIMEOUT_S, Math.ceil(bodyTimeoutMs / 1000)));
}

/** See {@link BUFFER_DECLARED_UP_TO}. */
async function withDeclaredLength(response: Response): Promise<Response> {
  if (!response.body) return response;
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (!(Number.isSafeInteger(length) && length >= 0 && length <= BUFFER_DECLARED_UP_TO)) return response;
  const body = await response.arrayBuffer();
  const known = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  buffered.add(known);
  return known;
}

/** Responses whose body {@link withDeclaredLength} read into memory. */
const buffered = new WeakSet<Response>();

function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    // immutable headers (e.g. a Response from fetch()): copy
    const headers = new Headers(response.headers);
    headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Calls `done` once `response` has been handed to Bun in full: at once without a body or with a
 * buffered one, else when the body stream ends, fails or is cancelled (the client went away;
 * the status is still logged).
 */
function whenSent(response: Response, method: string, done: (status: number) => void): Response {
  const body = response.body;
  // A buffered body (see withDeclaredLength) must stay one: wrapping it would make Bun send it chunked.
  if (!body || method === 'HEAD' || buffered.has(response)) {
    done(response.status);
    return response;
  }
  let called = false;
  const finish = (): void => {
    if (called) return;
    called = true;
    done(response.status);
  };
  const reader = body.getReader();
  const tracked = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          controller.close();
          finish();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        controller.error(error);
        finish();
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
  return new Response(tracked, { status: response.status, statusText: response.statusText, headers: response.headers });
}
