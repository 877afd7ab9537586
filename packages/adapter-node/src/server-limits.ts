/**
 * Timeouts and connection caps of the HTTP server, with defaults a slow but honest client survives
 * and a slow dishonest one does not.
 *
 * A registry cannot have a total request timeout: a 10 GiB layer pushed at a few hundred KB/s
 * takes hours. So the limits are about progress instead:
 * - the request head (line and headers) must arrive within {@link ServerLimits.headersTimeoutMs};
 * - a request body must keep coming while the server waits for it: in every
 *   {@link ServerLimits.bodyTimeoutMs} of waiting, at least `bodyMinBytesPerSecond` × that long
 *   (and at least one byte). Time the server spends not reading (the app busy, the socket paused
 *   by backpressure) does not count. A one-byte-every-10-s trickle is cut after one window; an
 *   upload at 300 KB/s passes every window by far;
 * - idle keep-alive connections close after {@link ServerLimits.keepAliveTimeoutMs};
 * - at most {@link ServerLimits.maxConnections} connections, and at most
 *   {@link ServerLimits.maxConnectionsPerAddress} from one client address, so a single address
 *   cannot take every slot (or every file descriptor) from the others.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { ServerLimits } from '@wharf/core';

export type { ServerLimits };

/** {@link ServerLimits} with every default applied. */
export type ResolvedServerLimits = Readonly<Required<ServerLimits>>;

/** The defaults; `maxConnections` and `maxConnectionsPerAddress` are derived in {@link resolveServerLimits}. */
export const DEFAULT_SERVER_LIMITS = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 0,
  bodyTimeoutMs: 60_000,
  bodyMinBytesPerSecond: 1024,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1024,
} as const;

const LIMIT_KEYS = [
  'headersTimeoutMs',
  'requestTimeoutMs',
  'bodyTimeoutMs',
  'bodyMinBytesPerSecond',
  'keepAliveTimeoutMs',
  'maxConnections',
  'maxConnectionsPerAddress',
] as const satisfies readonly (keyof ServerLimits)[];

/** File descriptors kept for the process itself (stdio, event loop, storage, logs) before connections. */
const RESERVED_DESCRIPTORS = 64;
/** Whatever the open-file limit, allow at least this many connections. */
const MIN_CONNECTIONS = 16;

/**
 * Applies the defaults to `limits`.
 * @param openFileLimit the process's soft open-file limit, when known (default: read on Linux).
 * @throws RangeError when a value is negative or not a finite number.
 */
export function resolveServerLimits(limits: ServerLimits = {}, openFileLimit: number | undefined = readOpenFileLimit()): ResolvedServerLimits {
  for (const key of LIMIT_KEYS) {
    const value: unknown = limits[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${key}: expected a number ≥ 0, got ${String(value)}`);
    }
  }
  const fitting = openFileLimit === undefined ? Infinity : Math.max(MIN_CONNECTIONS, Math.floor((openFileLimit - RESERVED_DESCRIPTORS) / 2));
  const maxConnections = limits.maxConnections ?? Math.min(DEFAULT_SERVER_LIMITS.maxConnections, fitting);
  return {
    headersTimeoutMs: limits.headersTimeoutMs ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs,
    requestTimeoutMs: limits.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs,
    bodyTimeoutMs: limits.bodyTimeoutMs ?? DEFAULT_SERVER_LIMITS.bodyTimeoutMs,
    bodyMinBytesPerSecond: limits.bodyMinBytesPerSecond ?? DEFAULT_SERVER_LIMITS.bodyMinBytesPerSecond,
    keepAliveTimeoutMs: limits.keepAliveTimeoutMs ?? DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
    maxConnections,
    maxConnectionsPerAddress: limits.maxConnectionsPerAddress ?? (maxConnections === 0 ? 0 : Math.max(1, Math.floor(maxConnections / 4))),
  };
}

/**
 * The soft "Max open files" limit from Linux's `/proc/self/limits` text.
 * @returns undefined when the text has no such line or the limit is unlimited.
 */
export function parseOpenFileLimit(text: string): number | undefined {
  const match = /^Max open files\s+(\d+)\s/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** This process's soft open-file limit; undefined where it cannot be read (not Linux). */
export function readOpenFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The key a connection counts under for {@link ServerLimits.maxConnectionsPerAddress}: the login throttle's (IPv4 address, or IPv6 /64). */
export { addressKey } from '@wharf/core';
