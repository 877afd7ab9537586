/**
 * The standalone server's timeouts and connection caps from its environment (`WHARF_HEADERS_TIMEOUT`
 * and the others below), as the {@link ServerLimits} that `serve()` takes. Unset variables keep
 * `serve()`'s defaults; `0` turns a limit off.
 * @module
 */
import { parseGcDuration } from '@wharf/core';
import type { ServerLimits } from '@wharf/core';

/** Environment variable → option, and how to read it. */
const VARIABLES = [
  ['WHARF_HEADERS_TIMEOUT', 'headersTimeoutMs', 'duration'],
  ['WHARF_REQUEST_TIMEOUT', 'requestTimeoutMs', 'duration'],
  ['WHARF_BODY_TIMEOUT', 'bodyTimeoutMs', 'duration'],
  ['WHARF_BODY_MIN_RATE', 'bodyMinBytesPerSecond', 'rate'],
  ['WHARF_KEEP_ALIVE_TIMEOUT', 'keepAliveTimeoutMs', 'duration'],
  ['WHARF_MAX_CONNECTIONS', 'maxConnections', 'count'],
  ['WHARF_MAX_CONNECTIONS_PER_ADDRESS', 'maxConnectionsPerAddress', 'count'],
] as const satisfies readonly (readonly [string, keyof ServerLimits, 'duration' | 'rate' | 'count'])[];

const RATE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1e3, mb: 1e6, kib: 2 ** 10, mib: 2 ** 20 };

/** Lines of `wharf serve --help` for these variables. */
export const SERVER_LIMITS_USAGE = `  WHARF_HEADERS_TIMEOUT     time allowed for a request's headers (default 30s)
  WHARF_REQUEST_TIMEOUT     time allowed for a whole request (default 0: none;
                            uploads may take hours, slow bodies are cut below)
  WHARF_BODY_TIMEOUT        a request body being awaited must bring, in every such
  WHARF_BODY_MIN_RATE       span, this many bytes per second (default 60s, 1KiB)
  WHARF_KEEP_ALIVE_TIMEOUT  idle keep-alive connections close after (default 65s)
  WHARF_MAX_CONNECTIONS     open connections at most (default 1024, fewer when
                            ulimit -n is low)
  WHARF_MAX_CONNECTIONS_PER_ADDRESS
                            from one client address (default a quarter of the
                            above; behind a reverse proxy: 0, no cap)
`;

/**
 * Reads the variables that are set.
 * @returns the options given, or undefined when none is set.
 * @throws Error naming the variable and what it expects.
 * @example parseServerLimits({ WHARF_BODY_TIMEOUT: '2m', WHARF_BODY_MIN_RATE: '10KiB' })
 * // → { bodyTimeoutMs: 120_000, bodyMinBytesPerSecond: 10_240 }
 */
export function parseServerLimits(env: Readonly<Record<string, string | undefined>>): ServerLimits | undefined {
  const limits: ServerLimits = {};
  let any = false;
  for (const [name, option, kind] of VARIABLES) {
    const text = env[name]?.trim();
    if (!text) continue;
    limits[option] = parseValue(name, text, kind);
    any = true;
  }
  return any ? limits : undefined;
}

function parseValue(name: string, text: string, kind: 'duration' | 'rate' | 'count'): number {
  if (kind === 'duration') {
    const ms = parseGcDuration(text);
    if (ms === null) throw new Error(`${name}: expected a duration such as 30s, 2m or 500ms (0: none), got "${text}"`);
    return ms;
  }
  if (kind === 'count') {
    if (!/^\d{1,9}$/.test(text)) throw new Error(`${name}: expected a whole number (0: no cap), got "${text}"`);
    return Number(text);
  }
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/i.exec(text);
  const unit = match ? RATE_UNITS[(match[2] as string).toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`${name}: expected bytes per second such as 1KiB, 500 or 1MB/s (0: only require some progress), got "${text}"`);
  return Math.floor(Number(match[1]) * unit);
}
