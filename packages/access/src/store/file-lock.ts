/**
 * An exclusive lock between processes, as a lock file created with `open(path, 'wx')`.
 *
 * The file holds `{ pid, host, nonce, createdAt }`. A waiter polls with backoff. A lock is
 * stale when its holder's pid is gone on this host, when it is older than `staleMs` (a pid
 * reused by another process, or a holder on another host), or when it is still empty a few
 * seconds after creation (the holder died between create and write).
 *
 * Breaking a stale lock is done without a race that could free a live lock: the stale file is
 * renamed aside (only one breaker wins the rename), then re-read; if what was moved is not the
 * stale lock that was observed (someone took the lock in between), it is linked back. The
 * holder also checks its nonce is still in the file before it commits ({@link FileLock.verify}),
 * so even that last corner cannot make two writers commit at once.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AccessError } from '../model/access-error.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** How long to wait for, and when to break, a lock. */
export interface LockOptions {
  /** Give up waiting after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** A lock older than this is stale whatever its pid says (default 30 s; writes take milliseconds). */
  readonly staleMs?: number;
}

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
  readonly createdAt: number;
}

const EMPTY_LOCK_GRACE_MS = 5_000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function parse(raw: string): LockInfo | null {
  try {
    const info = JSON.parse(raw) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.host === 'string' && typeof info.nonce === 'string' ? (info as LockInfo) : null;
  } catch {
    return null;
  }
}

/** A held lock. */
export class FileLock {
  private constructor(
    readonly path: string,
    private readonly nonce: string,
  ) {}

  /**
   * Take the lock at `path`, waiting for the current holder or breaking a stale lock.
   * @throws AccessError LOCKED when the wait exceeds `timeoutMs`
   */
  static async acquire(path: string, options: LockOptions = {}): Promise<FileLock> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const staleMs = options.staleMs ?? 30_000;
    const nonce = randomBytes(12).toString('hex');
    const content = JSON.stringify({ pid: process.pid, host: hostname(), nonce, createdAt: Date.now() } satisfies LockInfo);
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        // Private like the document beside it: a lock is nobody else's business.
        const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
        try {
          await handle.writeFile(content);
        } finally {
          await handle.close();
        }
        return new FileLock(path, nonce);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      if (holder === 'gone') continue;
      if (isStale(holder, staleMs)) {
        await breakLock(path, holder.raw);
        continue;
      }
      if (Date.now() > deadline) {
        const who = holder.info ? `process ${holder.info.pid} on ${holder.info.host}` : 'another process';
        throw new AccessError('LOCKED', `the access store is locked by ${who} (${path}); gave up after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt * 3, 50) * (0.5 + Math.random())));
    }
  }

  /** Whether this lock is still the one in the file (nobody broke it). */
  async verify(): Promise<boolean> {
    const raw = await readFile(this.path, 'utf8').catch(() => '');
    return parse(raw)?.nonce === this.nonce;
  }

  /** Release the lock, unless someone else holds the file by now. Never throws. */
  async release(): Promise<void> {
    if (await this.verify()) await unlink(this.path).catch(() => undefined);
  }
}

interface Holder {
  readonly raw: string;
  readonly info: LockInfo | null;
  readonly ageMs: number;
}

async function readHolder(path: string): Promise<Holder | 'gone'> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, info: parse(raw), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  if (holder.ageMs > staleMs) return true;
  if (!holder.info) return holder.ageMs > EMPTY_LOCK_GRACE_MS;
  return holder.info.host === hostname() && !isPidAlive(holder.info.pid);
}

async function breakLock(path: string, observed: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => observed);
  if (moved !== observed) {
    // A live lock was taken between our read and our rename: give it back (unless a newer one exists).
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}
