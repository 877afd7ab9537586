import { describe, expect, it } from 'vitest';
import { parseServeConfig, SERVE_USAGE } from './config.js';
import { parseServerLimits } from './server-limits-config.js';

describe('parseServerLimits', () => {
  it('should return undefined when no variable is set', () => {
    expect(parseServerLimits({ WHARF_BODY_TIMEOUT: '' })).toBeUndefined();
  });

  it('should read every variable', () => {
    expect(
      parseServerLimits({
        WHARF_HEADERS_TIMEOUT: '45s',
        WHARF_REQUEST_TIMEOUT: '0',
        WHARF_BODY_TIMEOUT: '2m',
        WHARF_BODY_MIN_RATE: '10KiB/s',
        WHARF_KEEP_ALIVE_TIMEOUT: '500ms',
        WHARF_MAX_CONNECTIONS: '4000',
        WHARF_MAX_CONNECTIONS_PER_ADDRESS: '0',
      }),
    ).toEqual({
      headersTimeoutMs: 45_000,
      requestTimeoutMs: 0,
      bodyTimeoutMs: 120_000,
      bodyMinBytesPerSecond: 10_240,
      keepAliveTimeoutMs: 500,
      maxConnections: 4000,
      maxConnectionsPerAddress: 0,
    });
    expect(parseServerLimits({ WHARF_BODY_MIN_RATE: '500' })).toEqual({ bodyMinBytesPerSecond: 500 });
  });

  it.each([
    ['WHARF_HEADERS_TIMEOUT', '30', /WHARF_HEADERS_TIMEOUT: expected a duration/],
    ['WHARF_BODY_MIN_RATE', 'fast', /WHARF_BODY_MIN_RATE: expected bytes per second/],
    ['WHARF_MAX_CONNECTIONS', '-1', /WHARF_MAX_CONNECTIONS: expected a whole number/],
  ])('should refuse %s=%s', (name, value, message) => {
    expect(() => parseServerLimits({ [name]: value })).toThrow(message);
  });
});

describe('wharf serve configuration', () => {
  it('should carry the limits that are set, and none by default', () => {
    expect(parseServeConfig([], { WHARF_MAX_CONNECTIONS_PER_ADDRESS: '0' }, '/')).toMatchObject({ serverLimits: { maxConnectionsPerAddress: 0 } });
    expect(parseServeConfig([], {}, '/')).not.toHaveProperty('serverLimits');
    expect(() => parseServeConfig([], { WHARF_BODY_TIMEOUT: 'soon' }, '/')).toThrow(/^WHARF_BODY_TIMEOUT: /);
  });

  it('should list every variable in the help', () => {
    for (const name of ['WHARF_HEADERS_TIMEOUT', 'WHARF_REQUEST_TIMEOUT', 'WHARF_BODY_TIMEOUT', 'WHARF_BODY_MIN_RATE', 'WHARF_KEEP_ALIVE_TIMEOUT', 'WHARF_MAX_CONNECTIONS', 'WHARF_MAX_CONNECTIONS_PER_ADDRESS']) {
      expect(SERVE_USAGE).toContain(`  ${name} `.trimEnd());
    }
  });
});
