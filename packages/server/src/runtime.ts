/**
 * The runtime adapter the standalone server runs on: `@wharf/adapter-bun` under Bun,
 * `@wharf/adapter-node` everywhere else. Each is imported only once chosen, so Node never loads
 * Bun's adapter (nor Bun Node's), and `wharf --help` loads neither.
 *
 * An adapter gives the server two things: its `serve()`, and the client address of a request
 * (its `getConnInfo`, the Hono way), which the token service, the admin API and the management
 * API hand to the failed-login throttle.
 * @module
 */
import type { ListenInfo, ServerLimits } from '@wharf/core';
import type { ClientAddress } from '@wharf/core';
import type { Context } from 'hono';

/** The runtimes the standalone server runs on. */
export type RuntimeName = 'node' | 'bun';

/** A listening server as the standalone server needs it, whatever the runtime. */
export interface RunningServer extends ListenInfo {
  close(): Promise<void>;
}

/**
 * A runtime adapter's `serve()`. The limits are `WHARF_HEADERS_TIMEOUT` and the others, when
 * set; the adapter applies what its runtime supports.
 */
export type ServeWith<S extends RunningServer = RunningServer> = (
  app: { fetch(request: Request, ...rest: unknown[]): Response | Promise<Response> },
  options: { port: number; hostname: string; logger: (line: string) => void } & ServerLimits,
) => Promise<S>;

/** What the standalone server takes from a runtime adapter. */
export interface RuntimeAdapter<S extends RunningServer = RunningServer> {
  readonly name: RuntimeName;
  readonly serve: ServeWith<S>;
  /** The client address of a request served by {@link serve}. */
  readonly clientAddress: ClientAddress;
}

/** A Hono-style `getConnInfo`, as each adapter exports it. */
type GetConnInfo = (c: Context) => { readonly remote: { readonly address?: string } };

/** The runtime this process runs on. */
export function currentRuntime(): RuntimeName {
  return process.versions.bun ? 'bun' : 'node';
}

/**
 * Imports the adapter for `name` (default: the running one).
 * @throws when `name` is `bun` but the process does not run on Bun (its `serve()` would throw).
 */
export async function loadRuntimeAdapter(name: RuntimeName = currentRuntime()): Promise<RuntimeAdapter> {
  if (name === 'bun') {
    if (currentRuntime() !== 'bun') throw new Error('the Bun adapter needs the Bun runtime (bun packages/server/dist/cli.js serve)');
    const bun = await import('@wharf/adapter-bun');
    return { name, serve: bun.serve, clientAddress: clientAddressFrom(bun.getConnInfo) };
  }
  const node = await import('@wharf/adapter-node');
  return { name, serve: node.serve, clientAddress: clientAddressFrom(node.getConnInfo) };
}

/**
 * A {@link ClientAddress} over an adapter's `getConnInfo`: undefined where the request did not
 * come through that adapter (`app.request()` in tests, another server), so the throttle then
 * counts per login name only, instead of failing the request.
 */
export function clientAddressFrom(getConnInfo: GetConnInfo): ClientAddress {
  return (c) => {
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
  };
}
