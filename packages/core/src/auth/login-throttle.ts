/**
 * Slows down password guessing at the token service.
 *
 * Policy: failures are counted per account and client address. The first
 * {@link LoginThrottleOptions.freeFailures} failures (default 5) cost nothing; after that the key
 * is locked for 1 s, then 2 s, 4 s, … doubling with each further failure up to
 * {@link LoginThrottleOptions.maxLockMs} (default 15 min). While locked, every attempt is refused
 * with 429 and `Retry-After` without checking the password, so a guess made during a lock
 * tells nothing. A success clears the key; a key idle for {@link LoginThrottleOptions.forgetAfterMs}
 * (default 1 h) is forgotten. Keying on the address as well as the account keeps one attacker
 * from locking a user out everywhere.
 *
 * It lives in memory: several processes each keep their own counts, and a restart forgets them.
 * @module
 */

export interface LoginThrottleOptions {
  readonly freeFailures?: number;
  readonly maxLockMs?: number;
  readonly forgetAfterMs?: number;
  /** Most keys remembered; the least recently failed are forgotten first (default 100 000). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #maxLock: number;
  readonly #forget: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.#free = options.freeFailures ?? 5;
    this.#maxLock = options.maxLockMs ?? 15 * 60_000;
    this.#forget = options.forgetAfterMs ?? 3600_000;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until `account` may try again from `address`; 0 when it may now. */
  retryAfterMs(account: string, address = ''): number {
    const entry = this.#entry(account, address);
    return entry ? Math.max(0, entry.lockedUntil - this.#now()) : 0;
  }

  /** Record a failed attempt. */
  fail(account: string, address = ''): void {
    const key = keyOf(account, address);
    const now = this.#now();
    const entry = this.#entry(account, address) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - this.#free;
    if (over > 0) entry.lockedUntil = now + Math.min(this.#maxLock, 1000 * 2 ** Math.min(over - 1, 30));
    // Re-insert so the map's order is least recently failed first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxKeys) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Forget the failures of `account` from `address` after a successful login. */
  succeed(account: string, address = ''): void {
    this.#entries.delete(keyOf(account, address));
  }

  #entry(account: string, address: string): Entry | undefined {
    const key = keyOf(account, address);
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.lastFailure > this.#forget && entry.lockedUntil <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

function keyOf(account: string, address: string): string {
  return `${account.toLowerCase()}\u0000${address}`;
}
