/**
 * What a runtime adapter (`@wharf/adapter-node`, `@wharf/adapter-bun`) serves and takes: one
 * contract, so a host switches runtimes without touching its code or configuration. Each
 * adapter's `serve(app, options)` documents which of the limits its runtime can apply.
 *
 * A registry cannot have a total request timeout (a 10 GiB layer pushed at a few hundred KB/s
 * takes hours), so the limits are about progress: the head must arrive in time, a body must keep
 * coming, idle keep-alive connections close, and connections are capped in total and per address.
 * @module
 */

/** Anything with a Web `fetch` handler; a Hono app qualifies. */
export interface FetchApp {
  /** Called with the Web Request and, as second argument, the adapter's env (Hono: `c.env`). */
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

/** Server timeouts and connection caps; every field is optional, see the defaults. 0 turns a limit off. */
export interface ServerLimits {
  /** Time from a connection's (or a request's) first byte to the end of its headers, in ms (default 30 000). Slower: `408`, closed. */
  headersTimeoutMs?: number;
  /**
   * Total time to receive a whole request, headers and body, in ms (default 0: none, uploads may
   * take hours; the body limits below cut slow bodies instead).
   */
  requestTimeoutMs?: number;
  /**
   * Window of the body progress check, in ms (default 60 000): while the server waits for a
   * request body, each window must bring `bodyMinBytesPerSecond` × window bytes, and at least
   * one. Failing that: `408` (or a closed connection once a response has begun). 0: no check.
   */
  bodyTimeoutMs?: number;
  /** Minimum average body rate over each window, in bytes/s (default 1024; 0: only the one-byte idle check). */
  bodyMinBytesPerSecond?: number;
  /** An idle keep-alive connection is closed after this long, in ms (default 65 000: above the 60 s of common proxies). */
  keepAliveTimeoutMs?: number;
  /**
   * Open connections at most (default 1024, lowered on Linux to fit the open-file limit:
   * half of what remains after 64 descriptors, as a busy connection also holds a file). Further
   * connections are closed at once, and idle keep-alive connections are closed to make room. 0: no cap.
   */
  maxConnections?: number;
  /**
   * Open connections from one client address at most (default a quarter of `maxConnections`);
   * IPv6 addresses count per /64. Behind a reverse proxy every connection comes from the proxy:
   * raise it or set 0 (no cap). Further connections from that address are closed at once.
   */
  maxConnectionsPerAddress?: number;
}

/** Where to listen, how to log, and the server's timeouts and connection caps ({@link ServerLimits}). */
export interface ServeOptions extends ServerLimits {
  /** TCP port (default 5000; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default `127.0.0.1`; `0.0.0.0` or `::` for all). */
  hostname?: string;
  /** How long closing the server lets in-flight requests run before it cuts their connections, in ms (default 10 000). */
  shutdownTimeoutMs?: number;
  /** Called once the server listens, before `serve()` resolves. */
  onListen?(info: ListenInfo): void;
  /**
   * Receives one access-log line per finished request (`formatAccessLine`'s format), and
   * one-line notices of refused connections where the adapter refuses them. Default: no logging.
   */
  logger?: ((line: string) => void) | false;
}
