import { describe, expect, it } from 'vitest';
import { parseServeConfig } from './config.js';
import { parseLoginLimits } from './login-config.js';

describe('WHARF_LOGIN_LIMITS', () => {
  it('should read every key, with durations and "off" for the address limit', () => {
    expect(parseLoginLimits('failures=10, max-lock=5m,address-failures=off,address-window=1h,hashes=1,queue=0')).toEqual({
      throttle: { freeFailures: 10, maxLockMs: 300_000, addressFreeFailures: Number.POSITIVE_INFINITY, addressWindowMs: 3_600_000 },
      passwords: { concurrency: 1, maxWaiting: 0 },
    });
    expect(parseLoginLimits('hashes=2')).toEqual({ passwords: { concurrency: 2 } });
    expect(parseLoginLimits('')).toEqual({});
  });

  it('should refuse unknown keys and values out of range, naming the entry', () => {
    expect(() => parseLoginLimits('tries=3')).toThrow(/"tries=3".*keys: failures/);
    expect(() => parseLoginLimits('failures=0')).toThrow(/"failures=0".*from 1/);
    expect(() => parseLoginLimits('hashes=two')).toThrow(/whole number/);
    expect(() => parseLoginLimits('max-lock=10ms')).toThrow(/duration from 1s/);
  });

  it('should reach the serve configuration, and make a bad value a configuration error', () => {
    const config = parseServeConfig([], { WHARF_LOGIN_LIMITS: 'failures=3' }, '/');
    expect(config !== 'help' && config.login).toEqual({ throttle: { freeFailures: 3 } });
    const plain = parseServeConfig([], {}, '/');
    expect(plain !== 'help' && plain.login).toBeUndefined();
    expect(() => parseServeConfig([], { WHARF_LOGIN_LIMITS: 'queue=-1' }, '/')).toThrow(/WHARF_LOGIN_LIMITS/);
  });
});
