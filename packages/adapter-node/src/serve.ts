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
 * Around it this module adds what a registry needs from its HTTP server: timeouts fit for
 * multi-gigabyte uploads, an answer to TLS handshakes on the plain port
 * ({@link onClientError}), an optional access log, and a graceful {@link NodeRegistryServer.close}.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { errorResponse, rawTargetProblem } from '@wharf/core';
import { logWhenDone } from './access-log.js';
import { onClientError } from './client-error.js';

/** Anything with a Web `fetch` handler; a Hono app qualifies. */
export interface FetchApp {
  /** Called with the Web Request and, as second argument, `{ incoming, outgoing }` (Node's objects). */
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>;
}

/** Where the server listens, as passed to {@link ServeOptions.onListen}. */
export interface ListenInfo {
  /** e.g. `http://127.0.0.1:5000` (IPv6 hosts in brackets). */
  readonly url: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  readonly hostname: string;
}

export interface ServeOptions {
  /** TCP port (default 5000; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default `127.0.0.1`; `0.0.0.0` or `::` for all). */
  hostname?: string;
  /**
   * How long {@link NodeRegistryServer.close} lets in-flight requests run before it destroys
   * their sockets, in ms (default 10 000).
   */
  shutdownTimeoutMs?: number;
  /** Called once the server listens, before `serve()` resolves. */
  onListen?(info: ListenInfo): void;
  /**
   * Receives one access-log line per finished request (format: `./access-log.ts`).
   * Default: no logging.
   */
  logger?: ((line: string) => void) | false;
}

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

/** Idle keep-alive connections live this long (ms); above the 60 s idle timeout common in proxies and load balancers, so the server is not the one to drop a connection a proxy is about to reuse. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Must exceed the keep-alive timeout, or a slow next request on a reused connection is cut. */
const HEADERS_TIMEOUT_MS = 66_000;
/** Registry requests carry a handful of headers; beyond this many, Node drops the rest. */
const MAX_HEADERS_COUNT = 100;

/**
 * Serves `app` over HTTP/1.1.
 * @param app the fetch handler, e.g. `createRegistry({ storage }).app`.
 * @param options see {@link ServeOptions}.
 * @returns once listening.
 * @throws when the port cannot be bound (e.g. `EADDRINUSE`, `EACCES`), or what `onListen`
 *   throws; nothing is left open.
 * @example
 * const { app } = createRegistry({ storage: new FsStorage({ root: './data' }) });
 * const server = await serve(app, { port: 5000, logger: console.log });
 * process.once('SIGTERM', () => void server.close());
 */
export async function serve(app: FetchApp, options: ServeOptions = {}): Promise<NodeRegistryServer> {
  const { port = 5000, hostname = '127.0.0.1', shutdownTimeoutMs = 10_000, logger } = options;
  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  server.on('clientError', onClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // An 'error' after listening (rare: e.g. accept() failing with EMFILE) must not be an uncaught exception.
  server.on('error', () => {});

  const bound = (server.address() as AddressInfo).port;
  const info: ListenInfo = { url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`, port: bound, hostname };
  const shutdown = new GracefulShutdown(server, shutdownTimeoutMs);
  // The host used to build request URLs when an HTTP/1.0 client sends no Host header.
  server.on('request', createHandler(app, new URL(info.url).host, logger || undefined, shutdown));
  try {
    options.onListen?.(info);
  } catch (error) {
    await shutdown.close();
    throw error;
  }
  return { ...info, server, close: () => shutdown.close() };
}

function createHandler(
  app: FetchApp,
  defaultHost: string,
  logger: ((line: string) => void) | undefined,
  shutdown: GracefulShutdown,
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const declaredLength = new WeakMap<ServerResponse, string | null>();
  const fetch = logger
    ? async (request: Request, env: { outgoing: ServerResponse }): Promise<Response> => {
        const response = await app.fetch(request, env);
        declaredLength.set(env.outgoing, response.headers.get('content-length'));
        return response;
      }
    : (request: Request, env: unknown) => app.fetch(request, env);
  const listener = getRequestListener(fetch as (request: Request, env: unknown) => Promise<Response>, {
    hostname: defaultHost,
    overrideGlobalObjects: false,
  });
  return (incoming, outgoing) => {
    if (logger) logWhenDone(incoming, outgoing, logger, () => declaredLength.get(outgoing));
    shutdown.track(outgoing);
    // Dot segments would be resolved away by URL parsing before the app sees the path.
    const problem = rawTargetProblem(incoming.url ?? '/');
    if (problem) {
      void sendDirect(outgoing, errorResponse(problem, incoming.method));
      return;
    }
    // The listener turns app errors into 500s itself; this catch is for bugs in the bridge.
    listener(incoming, outgoing).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.destroy();
    });
  };
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
