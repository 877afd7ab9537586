/**
 * The few pieces of Bun's API this package uses, declared here rather than through `bun-types`:
 * those declare Bun's globals for the whole monorepo's type check, where Node's types rule.
 * Shapes follow Bun 1.x (`Bun.serve`, `Server`).
 * @module
 */

/** `Bun.serve()` options used by the adapter. */
export interface BunServeOptions {
  port: number;
  hostname: string;
  /** Largest accepted request body in bytes (Bun's default is 128 MiB). */
  maxRequestBodySize: number;
  /** Seconds a connection may stay without traffic (max 255, 0: never). */
  idleTimeout: number;
  development: boolean;
  fetch(request: Request, server: BunServer): Response | Promise<Response>;
  error(error: Error): Response | Promise<Response>;
}

/** What `Bun.serve()` returns. */
export interface BunServer {
  readonly port: number;
  readonly hostname: string;
  /** Number of requests in flight. */
  readonly pendingRequests: number;
  /** Stops listening; with `true` also closes active connections. Resolves once stopped. */
  stop(closeActiveConnections?: boolean): Promise<void>;
  /** The peer of `request`, or null once its socket is gone. */
  requestIP(request: Request): { address: string; family: string; port: number } | null;
  /** Sets the idle timeout of `request`'s connection, in seconds (0: none). */
  timeout(request: Request, seconds: number): void;
}

/** The `Bun` global, or undefined when not running on Bun. */
export function bunRuntime(): { serve(options: BunServeOptions): BunServer; version: string } | undefined {
  return (globalThis as { Bun?: { serve(options: BunServeOptions): BunServer; version: string } }).Bun;
}
