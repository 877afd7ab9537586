import { describe, expect, it } from 'vitest';
import { addressKey, parseOpenFileLimit, resolveServerLimits } from './server-limits.js';

describe('resolveServerLimits', () => {
  it('should default to timeouts fit for slow uploads and 1024 connections, a quarter of them per address', () => {
    expect(resolveServerLimits({}, undefined)).toEqual({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 0,
      bodyTimeoutMs: 60_000,
      bodyMinBytesPerSecond: 1024,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 1024,
      maxConnectionsPerAddress: 256,
    });
  });

  it('should lower the default connection cap to fit a low open-file limit', () => {
    // 512 descriptors: 64 kept for the process, two per connection (socket and a file).
    expect(resolveServerLimits({}, 512)).toMatchObject({ maxConnections: 224, maxConnectionsPerAddress: 56 });
    expect(resolveServerLimits({}, 65_536)).toMatchObject({ maxConnections: 1024 });
    expect(resolveServerLimits({}, 20)).toMatchObject({ maxConnections: 16, maxConnectionsPerAddress: 4 });
  });

  it('should keep values given, and 0 as no limit', () => {
    expect(resolveServerLimits({ maxConnections: 5_000, bodyTimeoutMs: 0 }, 512)).toMatchObject({ maxConnections: 5_000, maxConnectionsPerAddress: 1_250, bodyTimeoutMs: 0 });
    expect(resolveServerLimits({ maxConnections: 0 }, 512)).toMatchObject({ maxConnections: 0, maxConnectionsPerAddress: 0 });
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('should refuse %s', (value) => {
    expect(() => resolveServerLimits({ headersTimeoutMs: value })).toThrow(RangeError);
  });
});

describe('parseOpenFileLimit', () => {
  it('should read the soft limit from /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63704                63704                processes \nMax open files            1024                 524288               files     \n';
    expect(parseOpenFileLimit(text)).toBe(1024);
    expect(parseOpenFileLimit('Max open files            unlimited            unlimited            files\n')).toBeUndefined();
  });
});

describe('addressKey', () => {
  it.each([
    ['10.0.0.7', '10.0.0.7'],
    ['::ffff:10.0.0.7', '10.0.0.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('should count %s under %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
