/**
 * `WHARF_LOGIN_LIMITS`: the standalone server's failed-login throttle and password-hashing
 * queue, as `key=value[,key=value…]`; every key is optional and defaults as listed:
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `failures` | 5 | failed passwords for one login name from one address before locks start |
 * | `max-lock` | 15m | the longest lock; locks double from 1 s up to it |
 * | `address-failures` | 30 | failed passwords from one address, whatever the names, before it waits; `off`: no limit |
 * | `address-window` | 10m | how long a full address count takes to drain (30 per 10m: one more every 20 s) |
 * | `hashes` | 2 (1 on two cores or fewer) | password hashes (scrypt, 32 MiB each) computed at once |
 * | `queue` | 16 | password checks waiting for a turn; beyond it logins get 429 at once |
 *
 * Example: `WHARF_LOGIN_LIMITS="failures=10,max-lock=5m,hashes=1"`.
 * @module
 */
import { parseGcDuration, type LoginThrottleOptions } from '@wharf/core';
import type { PasswordQueueOptions } from '@wharf/access';

/** The throttle's and the hashing queue's settings. */
export interface LoginConfig {
  readonly throttle?: Pick<LoginThrottleOptions, 'freeFailures' | 'maxLockMs' | 'addressFreeFailures' | 'addressWindowMs'>;
  readonly passwords?: PasswordQueueOptions;
}

const KEYS = ['failures', 'max-lock', 'address-failures', 'address-window', 'hashes', 'queue'] as const;

/** @throws Error naming the bad entry. */
export function parseLoginLimits(text: string): LoginConfig {
  const throttle: { -readonly [K in keyof NonNullable<LoginConfig['throttle']>]: number } = {};
  const passwords: { -readonly [K in keyof PasswordQueueOptions]: number } = {};
  const fail = (entry: string, expected: string) =>
    new Error(`WHARF_LOGIN_LIMITS: cannot read ${JSON.stringify(entry)}; expected ${expected} (keys: ${KEYS.join(', ')})`);
  const count = (entry: string, value: string, min: number, max: number): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max)) throw fail(entry, `a whole number from ${min} to ${max}`);
    return n;
  };
  const duration = (entry: string, value: string): number => {
    const ms = parseGcDuration(value);
    if (ms === null || ms < 1_000 || ms > 7 * 86_400_000) throw fail(entry, 'a duration from 1s to 7d, such as 15m');
    return ms;
  };
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [key, value = ''] = entry.split('=', 2).map((part) => part.trim());
    switch (key) {
      case 'failures':
        throttle.freeFailures = count(entry, value, 1, 1_000);
        break;
      case 'max-lock':
        throttle.maxLockMs = duration(entry, value);
        break;
      case 'address-failures':
        throttle.addressFreeFailures = value === 'off' ? Number.POSITIVE_INFINITY : count(entry, value, 1, 1_000_000);
        break;
      case 'address-window':
        throttle.addressWindowMs = duration(entry, value);
        break;
      case 'hashes':
        passwords.concurrency = count(entry, value, 1, 64);
        break;
      case 'queue':
        passwords.maxWaiting = count(entry, value, 0, 10_000);
        break;
      default:
        throw fail(entry, 'key=value');
    }
  }
  return {
    ...(Object.keys(throttle).length ? { throttle } : {}),
    ...(Object.keys(passwords).length ? { passwords } : {}),
  };
}
