/**
 * Slows down password guessing. It counts failed *password* checks; tokens are long random
 * secrets that cannot be guessed and cost no hashing to check, so with hooks that say where
 * they check passwords ({@link AuthHooks.gatesPasswords}) a valid token still logs in while its
 * login name is locked for passwords (see `throttled-login.ts`).
 *
 * Two counts, both consulted before a password is checked:
 * - **per login name and address**: the first {@link LoginThrottleOptions.freeFailures} failures
 *   (default 5) cost nothing; after that the name is locked at that address for 1 s, then 2 s,
 *   4 s, … doubling with each further failure up to {@link LoginThrottleOptions.maxLockMs}
 *   (default 15 min). A success clears it; it is forgotten
 *   {@link LoginThrottleOptions.forgetAfterMs} (default 1 h) after its last failure. Keying on
 *   the address as well keeps one attacker from locking a user out everywhere.
 * - **per address**, whatever the names: {@link LoginThrottleOptions.addressFreeFailures}
 *   (default 30) failures at once, then one more each time a failure drains away; the count
 *   drains completely in {@link LoginThrottleOptions.addressWindowMs} (default 10 min, so one
 *   failure every 20 s). This stops floods of random usernames, which the per-name count cannot
 *   see, without locking a busy NAT out for long: successes take their own count back.
 *
 * No wait is longer than `maxLockMs`. While locked, an attempt is refused (429 with
 * `Retry-After`) without checking the password, so a guess made during a lock tells nothing.
 * IPv6 addresses count by /64 ({@link addressKey}); without an address (a runtime that does not
 * tell it) only the per-name count applies. The throttle lives in memory: several processes
 * each keep their own counts, and a restart forgets them.
 * @module
 */
import { addressKey } from './client-address.js';

export interface LoginThrottleOptions {
  /** Failed password checks for one login name from one address before locks start (default 5). */
  readonly freeFailures?: number;
  /** Longest lock of a login name at an address (default 15 min). */
  readonly maxLockMs?: number;
  /** A name's count at an address is forgotten this long after its last failure (default 1 h). */
  readonly forgetAfterMs?: number;
  /** Failed password checks from one address, whatever the names, before it must wait (default 30; `Infinity`: no address limit). */
  readonly addressFreeFailures?: number;
  /** How long an address's full count takes to drain (default 10 min). */
  readonly addressWindowMs?: number;
  /** Most keys remembered per count; the least recently failed are forgotten first (default 100 000). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

/** The defaults of {@link LoginThrottleOptions}, for documentation and configuration. */
export const LOGIN_THROTTLE_DEFAULTS = {
  freeFailures: 5,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 3600_000,
  addressFreeFailures: 30,
  addressWindowMs: 10 * 60_000,
  maxKeys: 100_000,
} as const;

interface NameEntry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** An address's count, draining continuously since `at`. */
interface AddressEntry {
  level: number;
  at: number;
}

export class LoginThrottle {
  readonly #names = new Map<string, NameEntry>();
  readonly #addresses = new Map<string, AddressEntry>();
  readonly #free: number;
  readonly #maxLock: number;
  readonly #forget: number;
  readonly #addressFree: number;
  /** Failures drained per millisecond from an address's count. */
  readonly #drain: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    const d = LOGIN_THROTTLE_DEFAULTS;
    this.#free = options.freeFailures ?? d.freeFailures;
    this.#maxLock = options.maxLockMs ?? d.maxLockMs;
    this.#forget = options.forgetAfterMs ?? d.forgetAfterMs;
    this.#addressFree = Math.max(1, options.addressFreeFailures ?? d.addressFreeFailures);
    this.#drain = this.#addressFree / Math.max(1, options.addressWindowMs ?? d.addressWindowMs);
    this.#maxKeys = options.maxKeys ?? d.maxKeys;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Milliseconds until a password may be checked for `account` from `address`: the longer of
   * the name's lock there and the address's wait; 0 when it may now.
   */
  retryAfterMs(account: string, address?: string): number {
    const now = this.#now();
    const entry = this.#nameEntry(keyOf(account, address), now);
    const nameWait = entry ? Math.max(0, entry.lockedUntil - now) : 0;
    return Math.max(nameWait, this.#addressWait(addressKey(address), now));
  }

  /**
   * Record a failed password check (the login helpers record it when the check starts, so that
   * parallel guesses cannot outrun the count, and take it back with {@link succeed}).
   */
  fail(account: string, address?: string): void {
    const now = this.#now();
    const key = keyOf(account, address);
    const entry = this.#nameEntry(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - this.#free;
    if (over > 0) entry.lockedUntil = now + Math.min(this.#maxLock, 1000 * 2 ** Math.min(over - 1, 30));
    touch(this.#names, key, entry, this.#maxKeys);

    const addr = addressKey(address);
    if (!addr || !Number.isFinite(this.#addressFree)) return;
    touch(this.#addresses, addr, { level: this.#addressLevel(addr, now) + 1, at: now }, this.#maxKeys);
  }

  /**
   * A password was right: forget the name's failures from `address`, and take back the one
   * failure this attempt was counted as at the address (never more: successes with one
   * account must not buy guesses at others).
   */
  succeed(account: string, address?: string): void {
    this.#names.delete(keyOf(account, address));
    const addr = addressKey(address);
    const entry = this.#addresses.get(addr);
    if (entry) {
      const now = this.#now();
      entry.level = Math.max(0, this.#addressLevel(addr, now) - 1);
      entry.at = now;
    }
  }

  #nameEntry(key: string, now: number): NameEntry | undefined {
    const entry = this.#names.get(key);
    if (entry && now - entry.lastFailure > this.#forget && entry.lockedUntil <= now) {
      this.#names.delete(key);
      return undefined;
    }
    return entry;
  }

  #addressLevel(addr: string, now: number): number {
    const entry = this.#addresses.get(addr);
    return entry ? Math.max(0, entry.level - (now - entry.at) * this.#drain) : 0;
  }

  /** How long until one more failure fits in the address's allowance. */
  #addressWait(addr: string, now: number): number {
    if (!addr || !Number.isFinite(this.#addressFree)) return 0;
    const excess = this.#addressLevel(addr, now) + 1 - this.#addressFree;
    return excess > 0 ? Math.min(this.#maxLock, Math.ceil(excess / this.#drain)) : 0;
  }
}

/** Insert or move `key` to the end (most recent), forgetting the oldest keys beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}

function keyOf(account: string, address: string | undefined): string {
  return `${account.toLowerCase()}\u0000${addressKey(address)}`;
}
