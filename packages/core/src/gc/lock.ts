/**
 * The collection lock: one garbage collection at a time over a storage, from any number of
 * processes or machines.
 *
 * Storage offers no compare-and-swap, so the lock is a file that says who holds it until when:
 * a collector reads it, writes its own record when there is none (or it expired), and later
 * *confirms* by reading it back: of two collectors that raced, the later write wins and the
 * other sees a foreign record and stops. The collector confirms after its settle time (long
 * enough for the race to show) and again before every destructive batch, and renews the expiry
 * in the background; a lock not renewed for its TTL is stale (its holder crashed or stalled)
 * and may be taken over. A holder that could not renew in time considers itself lost too.
 * @module
 */
import { hostname } from 'node:os';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { pathFor } from '../storage/paths.js';
import { fromUtf8, utf8 } from '../streams.js';
import { LOCK_TTL_MS } from './protocol.js';

/** What the lock file holds. */
export interface GcLockRecord {
  readonly run: string;
  /** `host:pid` of the holder, for people. */
  readonly owner: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

/** Another collection holds the lock. */
export class GcLockedError extends Error {
  override readonly name = 'GcLockedError';
  constructor(readonly holder: GcLockRecord) {
    super(`another garbage collection is running (run ${holder.run} by ${holder.owner}, since ${holder.acquiredAt}; its lock expires at ${holder.expiresAt} unless renewed)`);
  }
}

/** This collection lost the lock (taken over, or not renewed in time); it must stop. */
export class GcLockLostError extends Error {
  override readonly name = 'GcLockLostError';
}

export interface GcLockOptions {
  readonly ttlMs?: number;
  readonly owner?: string;
  /** Wall clock (default `Date.now`): expiry times are compared across processes. */
  readonly now?: () => number;
}

export class GcLock {
  readonly #path = pathFor({ kind: 'gcLock' });
  readonly #ttl: number;
  readonly #owner: string;
  readonly #now: () => number;
  #acquiredAt = '';
  /** Until when this holder knows the lock is its own. */
  #validUntil = 0;
  #lost: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly driver: StorageDriver,
    readonly run: string,
    options: GcLockOptions = {},
  ) {
    this.#ttl = options.ttlMs ?? LOCK_TTL_MS;
    this.#owner = options.owner ?? `${hostname()}:${process.pid}`;
    this.#now = options.now ?? Date.now;
  }

  /** The current record, or `null` when nobody holds the lock (unreadable counts as nobody). */
  async read(): Promise<GcLockRecord | null> {
    try {
      const record = JSON.parse(fromUtf8(await this.driver.getContent(this.#path))) as GcLockRecord;
      return typeof record.run === 'string' && typeof record.expiresAt === 'string' ? record : null;
    } catch (error) {
      if (error instanceof PathNotFoundError || error instanceof SyntaxError) return null;
      throw error;
    }
  }

  /**
   * Write this run's record unless a live one of another run is there. Not yet certain: call
   * {@link confirm} after the settle time.
   * @throws GcLockedError when another collection holds the lock.
   */
  async acquire(): Promise<void> {
    const current = await this.read();
    if (current && current.run !== this.run && Date.parse(current.expiresAt) > this.#now()) throw new GcLockedError(current);
    this.#acquiredAt = new Date(this.#now()).toISOString();
    await this.#write();
  }

  /**
   * Read the lock back: still this run's?
   * @throws GcLockLostError when not.
   */
  async confirm(): Promise<void> {
    if (this.#lost) throw new GcLockLostError(this.#lost);
    const startedAt = this.#now();
    const current = await this.read();
    if (current?.run !== this.run) {
      this.#lost = current ? `the lock was taken over by run ${current.run} (${current.owner})` : 'the lock file disappeared';
      throw new GcLockLostError(this.#lost);
    }
    if (startedAt > this.#validUntil) {
      this.#lost = 'the lock was not renewed in time (the process stalled?)';
      throw new GcLockLostError(this.#lost);
    }
  }

  /** Renew the lock every third of its TTL until {@link release}. */
  startRenewing(): void {
    this.#timer ??= setInterval(() => {
      void this.#renew();
    }, Math.max(10, Math.floor(this.#ttl / 3)));
    this.#timer.unref?.();
  }

  /** Stop renewing and remove the lock if it is still this run's. */
  async release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const current = await this.read().catch(() => null);
    if (current?.run === this.run) await this.driver.delete(this.#path).catch(() => {});
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    try {
      await this.confirm();
      await this.#write();
    } catch (error) {
      this.#lost ??= error instanceof Error ? error.message : String(error);
    }
  }

  async #write(): Promise<void> {
    const writtenAt = this.#now();
    const record: GcLockRecord = {
      run: this.run,
      owner: this.#owner,
      acquiredAt: this.#acquiredAt,
      expiresAt: new Date(writtenAt + this.#ttl).toISOString(),
    };
    await this.driver.putContent(this.#path, utf8(JSON.stringify(record)));
    // Others may take over at writtenAt + ttl; stop trusting it a little before.
    this.#validUntil = writtenAt + this.#ttl * 0.8;
  }
}
