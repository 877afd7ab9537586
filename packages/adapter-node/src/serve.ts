/**
 * Serves a fetch-style app (a Wharf registry's Hono `app`, or anything with
 * `fetch(Request): Response`) on a Node `http.Server`.
 *
 * The translation between Node's `IncomingMessage`/`ServerResponse` and Web `Request`/`Response`
 * is `@hono/node-server`'s request listener. Both directions stream with backpressure: a request
 * body is a `ReadableStream` pulled from the socket, which stays paused while the app is not
 * reading; a response body is written chunk by chunk, waiting for `drain`. A client that
 * disconnects mid-upload errors the request body stream (and aborts `request.signal`), so the
 * app's reader rejects and can clean up. The listener is created with
 * `overrideGlobalObjects: false`, so serving never replaces the process's global
 * `Request`/`Response`.
 *
 * Around it this module adds what a registry needs from its HTTP server: timeouts and connection
 * caps that cut slow or hoarding clients but not multi-gigabyte uploads (`./server-limits.ts`,
 * `./body-watchdog.ts`, `./connection-guard.ts`), an answer to TLS handshakes on the plain port
 * ({@link onClientError}), an optional access log, and a graceful {@link NodeRegistryServer.close}.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { type FetchApp, type ListenInfo, rawTargetProblem, type ServeOptions, toResponse } from '@wharf/core';
import { logWhenDone } from './access-log.js';
import { BodyWatchdog } from './body-watchdog.js';
import { onClientError } from './client-error.js';
import { guardConnections } from './connection-guard.js';
import { resolveServerLimits, type ResolvedServerLimits, type ServerLimits } from './server-limits.js';

export type { FetchApp, ListenInfo, ServeOptions, ServerLimits };

/** A listening server. */
export interface NodeRegistryServer extends ListenInfo {
  /** The underlying Node server, for tuning or extra listeners. */
  readonly server: Server;
  /**
   * Stops accepting connections, closes idle keep-alive connections at once and every other one
   * when its in-flight response is done (answering it with `Connection: close`), then resolves.
   * Connections still busy after `shutdownTimeoutMs` are destroyed, which errors the request
   * bodies their handlers may be reading. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}

/** Registry requests carry a handful of headers; beyond this many, Node drops the rest. */
const MAX_HEADERS_COUNT = 100;

/**
 * Serves `app` over HTTP/1.1.
 * @param app the fetch handler, e.g. `createRegistry({ storage }).app`.
 * @param options see {@link ServeOptions}.
 * @returns once listening.
 * @throws when the port cannot be bound (e.g. `EADDRINUSE`, `EACCES`), or what `onListen`
 *   throws; nothing is left open. RangeError for a negative limit.
 * @example
 * const { app } = createRegistry({ storage: new FsStorage({ root: './data' }) });
 * const server = await serve(app, { port: 5000, logger: console.log });
 * process.once('SIGTERM', () => void server.close());
 */
export async function serve(app: FetchApp, options: ServeOptions = {}): Promise<NodeRegistryServer> {
  const { port = 5000, hostname = '127.0.0.1', shutdownTimeoutMs = 10_000, logger } = options;
  const limits = resolveServerLimits(options);
  const server = createHttpServer(limits);
  server.on('clientError', onClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Also handles an 'error' after listening (accept() failing with EMFILE), which must not be an uncaught exception.
  guardConnections(server, limits, logger || undefined);

  const bound = (server.address() as AddressInfo).port;
  const info: ListenInfo = { url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`, port: bound, hostname };
  const shutdown = new GracefulShutdown(server, shutdownTimeoutMs);
  const cuts = new WeakMap<ServerResponse, string>();
  const watchdog = new BodyWatchdog({ windowMs: limits.bodyTimeoutMs, minBytesPerSecond: limits.bodyMinBytesPerSecond, onCut: (outgoing, why) => cuts.set(outgoing, why) });
  server.once('close', () => watchdog.close());
  // The host used to build request URLs when an HTTP/1.0 client sends no Host header.
  server.on('request', createHandler(app, new URL(info.url).host, logger || undefined, shutdown, watchdog, cuts));
  try {
    options.onListen?.(info);
  } catch (error) {
    await shutdown.close();
    throw error;
  }
  return { ...info, server, close: () => shutdown.close() };
}

/** Node's server with the timeouts of `limits` (the connection caps come once it listens). */
function createHttpServer(limits: ResolvedServerLimits): Server {
  const { headersTimeoutMs, requestTimeoutMs } = limits;
  // Node refuses a header timeout above a (non-zero) request timeout.
  const headersTimeout = requestTimeoutMs > 0 && headersTimeoutMs > 0 ? Math.min(headersTimeoutMs, requestTimeoutMs) : headersTimeoutMs;
  // How often Node checks those two timeouts (its default, 30 s, would let a 30 s one run to 60 s).
  const shortest = Math.min(...[headersTimeout, requestTimeoutMs].filter((ms) => ms > 0), 300_000);
  const server = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(shortest / 10))),
  });
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  return server;
}

function createHandler(
  app: FetchApp,
  defaultHost: string,
  logger: ((line: string) => void) | undefined,
  shutdown: GracefulShutdown,
  watchdog: BodyWatchdog,
  cuts: WeakMap<ServerResponse, string>,
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const declaredLength = new WeakMap<ServerResponse, string | null>();
  const fetch = async (request: Request, env: { incoming: IncomingMessage; outgoing: ServerResponse }): Promise<Response> => {
    const response = await app.fetch(request, env);
    if (logger) declaredLength.set(env.outgoing, response.headers.get('content-length'));
    // Answered before the body was read whole (a 413, a refusal): the rest of the body is not
    // read, so the connection cannot carry another request; say so, or keep-alive clients
    // send their next request into a socket that is about to close.
    if (!env.incoming.complete && hasBody(env.incoming)) env.outgoing.setHeader('Connection', 'close');
    return response;
  };
  const listener = getRequestListener(fetch as (request: Request, env: unknown) => Promise<Response>, {
    hostname: defaultHost,
    overrideGlobalObjects: false,
  });
  return (incoming, outgoing) => {
    if (logger) logWhenDone(incoming, outgoing, logger, () => declaredLength.get(outgoing), () => cuts.get(outgoing));
    shutdown.track(outgoing);
    watchdog.watch(incoming, outgoing);
    // Dot segments would be resolved away by URL parsing before the app sees the path.
    const problem = rawTargetProblem(incoming.url ?? '/');
    if (problem) {
      void sendDirect(outgoing, toResponse(problem, incoming.method));
      return;
    }
    // The listener turns app errors into 500s itself; this catch is for bugs in the bridge.
    listener(incoming, outgoing).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.destroy();
    });
  };
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Write a small Web Response straight to Node's response. */
async function sendDirect(outgoing: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(body);
}

/** Tracks in-flight responses so that closing can wait for them, then cut them off. */
class GracefulShutdown {
  readonly #server: Server;
  readonly #timeoutMs: number;
  readonly #active = new Set<ServerResponse>();
  #closing: Promise<void> | undefined;

  constructor(server: Server, timeoutMs: number) {
    this.#server = server;
    this.#timeoutMs = timeoutMs;
  }

  track(outgoing: ServerResponse): void {
    if (this.#closing) outgoing.setHeader('Connection', 'close');
    this.#active.add(outgoing);
    outgoing.once('close', () => {
      this.#active.delete(outgoing);
      // Its keep-alive connection just became idle; during shutdown it must not linger.
      if (this.#closing) setImmediate(() => this.#server.closeIdleConnections());
    });
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      const server = this.#server;
      const timer = setTimeout(() => server.closeAllConnections(), this.#timeoutMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      for (const outgoing of this.#active) {
        if (!outgoing.headersSent) outgoing.setHeader('Connection', 'close');
      }
      server.closeIdleConnections();
    });
    return this.#closing;
  }
}
