/**
 * Reservations: the pushes a namespace's quota admitted lately or is publishing now, written to
 * storage so that every process sharing it counts them.
 *
 * Why files: two processes admitting at the same time each see only what is stored. Each one
 * first writes its reservation and only then counts; of two concurrent admissions at least one
 * therefore sees the other's reservation (the later write happens before the later count), so
 * they cannot both squeeze under the limit — at worst both are refused.
 *
 * Why they outlive the push by `ttlMs`: a process that counted the namespace's links a moment
 * ago may check the next push against that count plus the reservations listed now (see
 * namespace-quota.ts). Every link written since that count has a reservation still listed, so
 * the sum never under-counts, and one directory listing replaces a walk of the namespace. A full
 * count, which sees the links themselves, counts only the reservations still publishing: a
 * published one's link is counted, or was deleted and must not count.
 *
 * A reservation's name carries everything a count needs
 * (`<at>.<size>.<alg>-<hex>.<id>.<publishing|published>`), so counting lists one directory and
 * reads no file. While its push publishes it is renamed with a fresh time every quarter of the
 * TTL; once the push is done it is renamed `published` with the time then, and expires `ttlMs`
 * later; a refused or failed push deletes it at once. One left by a crashed process stops
 * counting `ttlMs` after its last refresh. Whoever lists an expired reservation deletes it.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { tryParseDigest } from '../digest.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';
import { utf8 } from '../streams.js';

/** `size` bytes of `digest`, reserved. */
export interface Reservation {
  readonly digest: string;
  readonly size: number;
}

/** A reservation as listed: whether its push is still publishing or done. */
export interface ListedReservation extends Reservation {
  readonly published: boolean;
}

type State = 'publishing' | 'published';

/** A reservation this process holds while its push publishes. */
export interface HeldReservation {
  readonly id: string;
  /** The push is published: stop refreshing, mark it so, and let it expire `ttlMs` from now. Never throws. */
  keep(): Promise<void>;
  /** The push was refused or failed: delete the reservation now. Never throws. */
  cancel(): Promise<void>;
}

export class QuotaReservations {
  /**
   * @param ttlMs how long a reservation counts after its last refresh.
   * @param now the clock (tests move it).
   */
  constructor(
    private readonly driver: StorageDriver,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Write a reservation for a push into `repository`; see {@link HeldReservation}. */
  async add(namespace: string, reservation: Reservation, repository: string): Promise<HeldReservation> {
    const digest = tryParseDigest(reservation.digest);
    if (!digest || !Number.isSafeInteger(reservation.size) || reservation.size < 0) throw new Error(`cannot reserve ${JSON.stringify(reservation)}`);
    const id = randomUUID();
    const path = (at: number, state: State) =>
      pathFor({ kind: 'quotaReservation', namespace, file: `${at}.${reservation.size}.${digest.algorithm}-${digest.hex}.${id}.${state}` });
    let current = path(this.now(), 'publishing');
    // Volatile: after a power loss the process that held it is gone too.
    await this.driver.putContent(current, utf8(repository), { volatile: true });
    // Renames and the final keep or cancel run one after the other, never two at once.
    let chain: Promise<void> = Promise.resolve();
    let done = false;
    const restamp = (state: State) => {
      const to = path(this.now(), state);
      const from = current;
      // Gone (taken for expired by a process whose clock is ahead): write it again.
      const moved = this.driver.move(from, to).catch((error: unknown) => {
        if (!(error instanceof PathNotFoundError)) throw error;
        return this.driver.putContent(to, utf8(repository), { volatile: true });
      });
      return moved.then(() => {
        current = to;
      });
    };
    const timer = setInterval(() => {
      if (!done) chain = chain.then(() => restamp('publishing')).catch(() => {});
    }, Math.max(1, Math.floor(this.ttlMs / 4)));
    timer.unref?.();
    const finish = (last: () => Promise<void>) => {
      if (done) return chain;
      done = true;
      clearInterval(timer);
      chain = chain.then(last).catch(() => {});
      return chain;
    };
    return {
      id,
      keep: () => finish(() => restamp('published')),
      cancel: () => finish(() => this.driver.delete(current)),
    };
  }

  /** The reservations of a namespace other than `except`'s; expired ones are deleted. */
  async list(namespace: string, except?: string): Promise<ListedReservation[]> {
    const files = await this.driver.list(pathFor({ kind: 'quotaReservationsDir', namespace })).catch(notFoundAs(null));
    if (!files) return [];
    const live: ListedReservation[] = [];
    const expired: string[] = [];
    const now = this.now();
    for (const file of files) {
      const entry = parseName(baseName(file));
      if (!entry) continue;
      if (entry.id === except) continue;
      if (now - entry.at > this.ttlMs) expired.push(file);
      else live.push({ digest: entry.digest, size: entry.size, published: entry.state === 'published' });
    }
    await Promise.all(expired.map((file) => this.driver.delete(file).catch(() => {})));
    return live;
  }
}

/** `<at>.<size>.<alg>-<hex>.<id>.<state>`; `null` for a name that is not one. */
function parseName(name: string): { at: number; size: number; digest: string; id: string; state: State } | null {
  const [at, size, digest, id, state, ...rest] = name.split('.');
  if (at === undefined || size === undefined || digest === undefined || id === undefined || rest.length > 0) return null;
  if (!/^\d{1,16}$/.test(at) || !/^\d{1,16}$/.test(size)) return null;
  if (state !== 'publishing' && state !== 'published') return null;
  const value = digest.replace('-', ':');
  if (!tryParseDigest(value)) return null;
  return { at: Number(at), size: Number(size), digest: value, id, state };
}
