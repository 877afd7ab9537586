/**
 * Per-namespace storage quotas, enforced when a push would go over.
 *
 * Usage is the bytes of the distinct digests stored in the namespace's repositories: every blob
 * linked into one of them (with or without a manifest or tag naming it), every manifest stored
 * in one, and every push being published (a reservation). A digest counts once in a namespace
 * however many of its repositories hold it; content shared with other namespaces counts in
 * each. Links, not tags, are counted, because a push uploads its blobs before the manifest that
 * tags them: counting only tagged content would let a push upload any amount first.
 *
 * The admission decision never under-counts, whatever other processes sharing the storage do:
 * - a push first writes its reservation, then counts (quota-reservations.ts): of two processes
 *   admitting at once, at least one sees the other's push, so they cannot both squeeze in;
 * - a full count walks the namespace's links and revisions in storage (namespace-usage.ts;
 *   only digest sizes, which never change, are cached), so it sees every process's pushes;
 * - a quick check reuses a full count at most `maxAgeMs` old plus the reservations listed now:
 *   every push admitted since that count, in any process, still has its reservation, so the
 *   sum is an upper bound of the usage (deletes since only make it larger). Only when that bound
 *   plus the push is within the quota is the push admitted this way; otherwise a full count
 *   decides, exactly;
 * - within a process, decisions for one namespace run one at a time, so concurrent pushes are
 *   decided in turn rather than refused together.
 *
 * The check runs after a blob is verified (or a manifest validated) and before it is published:
 * content that would exceed the quota is discarded and refused with 403 DENIED, whose message
 * docker and podman print ("denied: namespace team is over its storage quota: …"). Content the
 * namespace holds already adds nothing, so re-tagging a manifest or re-pushing a blob is never
 * refused, even over quota.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import type { AdmissionRequest } from '../blobs/admission.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { KeyedMutex } from '../blobs/upload-state.js';
import type { StorageDriver } from '../storage/driver.js';
import { NamespaceUsage } from './namespace-usage.js';
import { QuotaReservations, type HeldReservation } from './quota-reservations.js';

export interface QuotaOptions {
  /** The quota of a namespace in bytes, or `null` for none. */
  bytesFor(namespace: string): number | null | Promise<number | null>;
  /**
   * The namespace of a repository (default: its first path component). With a function of your
   * own, a full count walks every repository rather than the namespace's subtree.
   */
  namespaceOf?(repository: string): string;
  /**
   * How long a full count may serve quick checks (default 30 s; at most a quarter of
   * `reservationTtlMs`; 0: every push counts in full). A quick check never under-counts (see
   * the module doc); a longer age only means more pushes near the limit take a full count.
   */
  readonly maxAgeMs?: number;
  /**
   * How long a reservation counts after its push was admitted or last refreshed (default 2
   * minutes): the most a crashed process's unfinished push keeps counting, and how long a
   * finished push's reservation stays for quick checks. The clocks of processes sharing the
   * storage must agree to within half of it.
   */
  readonly reservationTtlMs?: number;
}

/** A full count of a namespace, and when it started. */
interface Snapshot {
  readonly stored: ReadonlyMap<string, number>;
  readonly at: number;
}

/** Namespaces whose last full count is kept for quick checks. */
const SNAPSHOTS = 1_000;

export class NamespaceQuota {
  readonly #usage: NamespaceUsage;
  readonly #reservations: QuotaReservations;
  readonly #decisions = new KeyedMutex();
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #maxAge: number;

  constructor(
    driver: StorageDriver,
    blobs: BlobStore,
    private readonly options: QuotaOptions,
  ) {
    this.#usage = new NamespaceUsage(driver, blobs, (repository) => this.namespaceOf(repository), options.namespaceOf === undefined);
    const ttl = options.reservationTtlMs ?? 120_000;
    this.#reservations = new QuotaReservations(driver, ttl);
    this.#maxAge = Math.min(options.maxAgeMs ?? 30_000, ttl / 4);
  }

  namespaceOf(repository: string): string {
    return this.options.namespaceOf?.(repository) ?? (repository.split('/')[0] as string);
  }

  /** Bytes a namespace uses now, counted in full, pushes being published included. */
  async used(namespace: string): Promise<number> {
    return sum((await this.#count(namespace)).counted);
  }

  /**
   * Run `publish` if storing `request.size` more bytes of `request.digest` keeps the namespace
   * of `request.repository` within its quota; the bytes stay reserved while `publish` runs.
   * @throws RegistryError DENIED naming the namespace, the quota and the usage (before `publish`).
   */
  async admit<T>(request: AdmissionRequest, publish: () => Promise<T>): Promise<T> {
    const namespace = this.namespaceOf(request.repository);
    const limit = await this.options.bytesFor(namespace);
    if (limit === null) return publish();
    const held = await this.#decisions.run(namespace, () => this.#decide(namespace, request, limit));
    let result: T;
    try {
      result = await publish();
    } catch (error) {
      await held.cancel();
      throw error;
    }
    await held.keep();
    return result;
  }

  /**
   * Reserve, then check (in that order: see the module doc). The reservation is kept even for
   * content the namespace holds already: that copy may be deleted before this one is linked.
   */
  async #decide(namespace: string, request: AdmissionRequest, limit: number): Promise<HeldReservation> {
    const { repository, digest, size, kind } = request;
    this.#usage.learn(digest.value, size);
    const held = await this.#reservations.add(namespace, { digest: digest.value, size }, repository);
    try {
      if (await this.#quickCheck(namespace, digest.value, size, limit, held.id)) return held;
      const { counted } = await this.#count(namespace, held.id);
      const used = sum(counted);
      if (!counted.has(digest.value) && used + size > limit) throw overQuota(namespace, limit, used, size, kind);
      return held;
    } catch (error) {
      await held.cancel();
      throw error;
    }
  }

  /** Whether a recent full count plus the reservations listed now leaves room for the push. */
  async #quickCheck(namespace: string, digest: string, size: number, limit: number, except: string): Promise<boolean> {
    const snapshot = this.#snapshots.get(namespace);
    if (!snapshot || Date.now() - snapshot.at > this.#maxAge) return false;
    const bound = new Map(snapshot.stored);
    for (const r of await this.#reservations.list(namespace, except)) if (!bound.has(r.digest)) bound.set(r.digest, r.size);
    if (!bound.has(digest)) bound.set(digest, size);
    return sum(bound) <= limit;
  }

  /**
   * A full count: what is stored, and that plus the reservations still publishing other than
   * `except`'s. Reservations are listed before the links: a push that was not publishing then
   * was refused, failed, or has its link written, so every push is seen.
   */
  async #count(namespace: string, except?: string): Promise<{ stored: Map<string, number>; counted: Map<string, number> }> {
    const at = Date.now();
    const pending = await this.#reservations.list(namespace, except);
    const stored = await this.#usage.count(namespace);
    this.#snapshots.delete(namespace);
    if (this.#snapshots.size >= SNAPSHOTS) this.#snapshots.delete(this.#snapshots.keys().next().value as string);
    this.#snapshots.set(namespace, { stored, at });
    const counted = new Map(stored);
    for (const r of pending) if (!r.published && !counted.has(r.digest)) counted.set(r.digest, r.size);
    return { stored, counted };
  }
}

function sum(sizes: Map<string, number>): number {
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

function overQuota(namespace: string, limit: number, used: number, needed: number, kind: 'blob' | 'manifest'): RegistryError {
  return new RegistryError('DENIED', `namespace ${namespace} is over its storage quota: ${used} of ${limit} bytes used, and this ${kind} needs ${needed} more`, {
    detail: { namespace, quota: limit, used, needed },
  });
}
