/**
 * A per-policy lease, so that processes sharing storage do not run the same policy at once.
 *
 * The storage contract has no compare-and-swap, so the lease is claim-and-verify: read the
 * lease file; if someone else holds an unexpired lease, give up; otherwise write our own
 * (random token, expiry), wait `settleMs`, read it back, and hold the lease only if our token
 * is still there. Two processes that claim within the same settle window can still both win
 * (each reads its own write before the other's lands): the lease makes concurrent runs rare,
 * not impossible. That is safe here because a run's effects are idempotent — deleting a tag
 * that is already gone counts as nothing, and each run plans from what is in storage — so the
 * worst case is duplicated work and a run record that the other run overwrites.
 *
 * Expiry uses each process's clock: keep clocks roughly in sync, and make the lease's time to
 * live longer than a run (the runner uses its time budget plus a minute). A process that dies
 * mid-run leaves a lease that expires on its own.
 * @module
 */
import { fromUtf8, utf8 } from '../../streams.js';
import { PathNotFoundError, type StorageDriver } from '../../storage/driver.js';
import { notFoundAs } from '../../storage/not-found.js';

export interface LeaseOptions {
  /** Who claims it (a process id), stored for people reading the file. */
  readonly owner: string;
  /** How long the lease lasts unless released. */
  readonly ttlMs: number;
  readonly now: () => Date;
  /** Wait between writing the claim and verifying it (default 25 ms). */
  readonly settleMs?: number;
}

/** A held lease. */
export interface Lease {
  readonly token: string;
  readonly expiresAt: Date;
  /** Give the lease up, if it is still ours. Never throws for a lease already gone. */
  release(): Promise<void>;
}

interface LeaseFile {
  readonly token: string;
  readonly owner: string;
  readonly expiresAt: string;
}

/**
 * Claim the lease at `path`.
 * @returns the lease, or `null` when another holder's lease has not expired (or won the race).
 */
export async function acquireLease(storage: StorageDriver, path: string, options: LeaseOptions): Promise<Lease | null> {
  const current = await readLease(storage, path);
  if (current && Date.parse(current.expiresAt) > options.now().getTime()) return null;
  const token = crypto.randomUUID();
  const expiresAt = new Date(options.now().getTime() + options.ttlMs);
  const claim: LeaseFile = { token, owner: options.owner, expiresAt: expiresAt.toISOString() };
  await storage.putContent(path, utf8(JSON.stringify(claim)), { volatile: true });
  const settle = options.settleMs ?? 25;
  if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
  if ((await readLease(storage, path))?.token !== token) return null;
  return {
    token,
    expiresAt,
    async release() {
      if ((await readLease(storage, path))?.token !== token) return;
      await storage.delete(path).catch(notFoundAs(undefined));
    },
  };
}

async function readLease(storage: StorageDriver, path: string): Promise<LeaseFile | null> {
  try {
    const parsed = JSON.parse(fromUtf8(await storage.getContent(path))) as Partial<LeaseFile>;
    return typeof parsed.token === 'string' && typeof parsed.expiresAt === 'string' ? (parsed as LeaseFile) : null;
  } catch (error) {
    if (error instanceof PathNotFoundError || error instanceof SyntaxError) return null;
    throw error;
  }
}
