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

/**
 * The key a connection counts under for {@link ServerLimits.maxConnectionsPerAddress}: the
 * IPv4 address (also when IPv4-mapped), or the /64 prefix of an IPv6 address, since one host
 * (or one attacker) usually has a whole /64.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
