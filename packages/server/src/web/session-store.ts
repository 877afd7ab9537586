/**
 * Sessions of the registry page's sign-in, kept as files under `<data>/access/sessions/` so that
 * several servers sharing a data directory agree on them (a sign-out on one ends the session on
 * all).
 *
 * A session id is 256 random bits, sent only in the cookie. It is never stored: each session's
 * file is named by the sha256 of its id, so reading the directory (a backup, a mistaken mode)
 * gives nobody a cookie to replay. Files are mode 0600 in a 0700 directory, written once
 * (a temporary file renamed into place); a session's last use is the file's modification time,
 * moved forward with `utimes`, which cannot bring back a file a sign-out just removed.
 *
 * A session ends after {@link SessionStoreOptions.idleMs} without a request (default 8 hours),
 * {@link SessionStoreOptions.maxAgeMs} after sign-in whatever happens (default 7 days), or at
 * sign-out. Whether the person behind it may still sign in (blocked, deleted, token revoked) is
 * not this store's business: the caller checks that on every request.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a session remembers about who signed in. */
export interface SessionRecord {
  readonly version: 1;
  /** The access principal's subject (`user:<id>`). */
  readonly subject: string;
  /** The credential signed in with: a personal access token's id; absent for a password. */
  readonly credential?: string;
  /** Shown in the page header. */
  readonly username: string;
  /** A digest of the user's password hash at sign-in: a password change ends password sessions. */
  readonly passwordStamp?: string;
  /** The session's secret for the page's forms (CSRF). */
  readonly csrf: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A live session: the record and its last use. */
export interface Session extends SessionRecord {
  /** Milliseconds since the epoch (the file's modification time). */
  readonly lastSeenAt: number;
}

/** Who a new session is for. */
export type NewSession = Pick<SessionRecord, 'subject' | 'username'> & Partial<Pick<SessionRecord, 'credential' | 'passwordStamp'>>;

export interface SessionStoreOptions {
  /** A session not used for this long ends (default 8 hours). */
  readonly idleMs?: number;
  /** A session ends this long after sign-in whatever happens (default 7 days). */
  readonly maxAgeMs?: number;
  /** How often a session's last use is written back at most (default 1 minute). */
  readonly touchEveryMs?: number;
  readonly now?: () => number;
}

export const SESSION_DEFAULTS = { idleMs: 8 * 3_600_000, maxAgeMs: 7 * 86_400_000, touchEveryMs: 60_000 } as const;

/** A session id as issued: 32 bytes in base64url. Anything else is not looked up at all. */
const ID = /^[A-Za-z0-9_-]{43}$/;
const FILE = /^[0-9a-f]{64}\.json$/;

const fileNameOf = (id: string) => `${createHash('sha256').update(id).digest('hex')}.json`;
const newSecret = () => randomBytes(32).toString('base64url');

function parseRecord(text: string): SessionRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const r = value as Partial<SessionRecord> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.version === 1 &&
    typeof r.subject === 'string' &&
    typeof r.username === 'string' &&
    typeof r.csrf === 'string' &&
    typeof r.createdAt === 'number' &&
    (r.credential === undefined || typeof r.credential === 'string') &&
    (r.passwordStamp === undefined || typeof r.passwordStamp === 'string');
  return ok ? (r as SessionRecord) : null;
}

/** The sign-in sessions of one data directory. */
export class SessionStore {
  readonly #dir: string;
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #touchEveryMs: number;
  readonly #now: () => number;
  #lastSweep = 0;

  private constructor(dir: string, options: SessionStoreOptions) {
    this.#dir = dir;
    this.#idleMs = options.idleMs ?? SESSION_DEFAULTS.idleMs;
    this.#maxAgeMs = options.maxAgeMs ?? SESSION_DEFAULTS.maxAgeMs;
    this.#touchEveryMs = options.touchEveryMs ?? SESSION_DEFAULTS.touchEveryMs;
    this.#now = options.now ?? Date.now;
  }

  /** Open (and create when missing, mode 0700) the session directory `dir`. */
  static async open(dir: string, options: SessionStoreOptions = {}): Promise<SessionStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new SessionStore(dir, options);
  }

  /** The longest a session lives, for the cookie's `Max-Age`. */
  get maxAgeSeconds(): number {
    return Math.floor(this.#maxAgeMs / 1000);
  }

  /** Start a session: a fresh random id (returned once, for the cookie) and a fresh form secret. */
  async create(who: NewSession): Promise<{ id: string; session: Session }> {
    const now = this.#now();
    const id = newSecret();
    const record: SessionRecord = { version: 1, ...who, csrf: newSecret(), createdAt: now };
    const path = join(this.#dir, fileNameOf(id));
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o600, flag: 'wx' });
    await utimes(temp, now / 1000, now / 1000);
    await rename(temp, path);
    void this.#sweepNowAndThen(now);
    return { id, session: { ...record, lastSeenAt: now } };
  }

  /** The live session of `id`, noting this use; `null` when unknown, malformed or expired (then removed). */
  async get(id: string | undefined): Promise<Session | null> {
    if (!id || !ID.test(id)) return null;
    const path = join(this.#dir, fileNameOf(id));
    let text: string;
    let lastSeenAt: number;
    try {
      lastSeenAt = (await stat(path)).mtimeMs;
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const record = parseRecord(text);
    const now = this.#now();
    if (!record || this.#expired(record, lastSeenAt, now)) {
      await this.delete(id);
      return null;
    }
    if (now - lastSeenAt >= this.#touchEveryMs) {
      // utimes fails on a file a sign-out removed meanwhile, rather than bringing it back.
      const touched = await utimes(path, now / 1000, now / 1000).then(
        () => true,
        () => false,
      );
      if (!touched) return null;
      lastSeenAt = now;
    }
    return { ...record, lastSeenAt };
  }

  /** End a session (idempotent). */
  async delete(id: string | undefined): Promise<void> {
    if (!id || !ID.test(id)) return;
    await rm(join(this.#dir, fileNameOf(id)), { force: true });
  }

  /** Remove every expired session's file. @returns how many were removed */
  async sweep(): Promise<number> {
    const now = this.#now();
    let removed = 0;
    for (const name of await readdir(this.#dir)) {
      if (!FILE.test(name)) continue;
      const path = join(this.#dir, name);
      const lastSeenAt = await stat(path).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      const record = parseRecord(await readFile(path, 'utf8').catch(() => ''));
      if (!record || this.#expired(record, lastSeenAt, now)) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  #expired(record: SessionRecord, lastSeenAt: number, now: number): boolean {
    return now - lastSeenAt >= this.#idleMs || now - record.createdAt >= this.#maxAgeMs || record.createdAt > now + 60_000;
  }

  /** Expired sessions are removed when read; the ones never read again go at most once an hour. */
  async #sweepNowAndThen(now: number): Promise<void> {
    if (now - this.#lastSweep < 3_600_000) return;
    this.#lastSweep = now;
    await this.sweep().catch(() => {});
  }
}
