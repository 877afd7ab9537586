/**
 * Sessions of the registry page's sign-in, kept in the metadata database (`web_sessions`) so
 * that every server on one database agrees on them: a sign-in on one works on all, a sign-out
 * on one ends the session on all.
 *
 * A session id is 256 random bits, sent only in the cookie. It is never stored: each session's
 * row is keyed by the sha256 of its id, so reading the table (a backup, a leaked dump) gives
 * nobody a cookie to replay. A session's last use is written back at most every
 * {@link SessionStoreOptions.touchEveryMs}, by an update that finds nothing once a sign-out
 * removed the row (it never brings one back).
 *
 * A session ends after {@link SessionStoreOptions.idleMs} without a request (default 8 hours),
 * {@link SessionStoreOptions.maxAgeMs} after sign-in whatever happens (default 7 days), or at
 * sign-out. Whether the person behind it may still sign in (blocked, deleted, token revoked) is
 * not this store's business: the caller checks that on every request.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { classifyDatabaseError, type MigrationDb, type WharfMigration } from '@wharf/db';

export interface WebSessionRow {
  /** The sha256 (hex) of the session id. */
  id_hash: string;
  /** The {@link SessionRecord}, as JSON. */
  record: string;
  created_at: number;
  last_seen_at: number;
}

export interface SessionTables {
  web_sessions: WebSessionRow;
}

export const SESSIONS_MIGRATION: WharfMigration = {
  name: '0004_web_sessions',
  async up(db: MigrationDb) {
    await db.schema
      .createTable('web_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('created_at', 'double precision', (c) => c.notNull())
      .addColumn('last_seen_at', 'double precision', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('web_sessions_last_seen').on('web_sessions').column('last_seen_at').execute();
  },
};

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
  /** Milliseconds since the epoch. */
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

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
const unavailable = (what: string) => (error: unknown) => {
  throw classifyDatabaseError(error, what);
};
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

/** The sign-in sessions of every server on one metadata database. */
export class SessionStore {
  readonly #db: Kysely<SessionTables>;
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #touchEveryMs: number;
  readonly #now: () => number;
  #lastSweep = 0;

  private constructor(db: Kysely<SessionTables>, options: SessionStoreOptions) {
    this.#db = db;
    this.#idleMs = options.idleMs ?? SESSION_DEFAULTS.idleMs;
    this.#maxAgeMs = options.maxAgeMs ?? SESSION_DEFAULTS.maxAgeMs;
    this.#touchEveryMs = options.touchEveryMs ?? SESSION_DEFAULTS.touchEveryMs;
    this.#now = options.now ?? Date.now;
  }

  /** The sessions in `db` (migrated with {@link SESSIONS_MIGRATION}). */
  static open(db: Kysely<SessionTables>, options: SessionStoreOptions = {}): SessionStore {
    return new SessionStore(db, options);
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
    await this.#db
      .insertInto('web_sessions')
      .values({ id_hash: hashOf(id), record: JSON.stringify(record), created_at: now, last_seen_at: now })
      .execute()
      .catch(unavailable('starting a session'));
    void this.#sweepNowAndThen(now);
    return { id, session: { ...record, lastSeenAt: now } };
  }

  /** The live session of `id`, noting this use; `null` when unknown, malformed or expired (then removed). */
  async get(id: string | undefined): Promise<Session | null> {
    if (!id || !ID.test(id)) return null;
    const row = await this.#db
      .selectFrom('web_sessions')
      .selectAll()
      .where('id_hash', '=', hashOf(id))
      .executeTakeFirst()
      .catch(unavailable('reading a session'));
    if (!row) return null;
    const record = parseRecord(row.record);
    let lastSeenAt = Number(row.last_seen_at);
    const now = this.#now();
    if (!record || this.#expired(record, lastSeenAt, now)) {
      await this.delete(id);
      return null;
    }
    if (now - lastSeenAt >= this.#touchEveryMs) {
      // Finds nothing when a sign-out removed the row meanwhile, rather than bringing it back.
      const touched = await this.#db
        .updateTable('web_sessions')
        .set({ last_seen_at: now })
        .where('id_hash', '=', row.id_hash)
        .executeTakeFirst()
        .catch(unavailable('noting the use of a session'));
      if (Number(touched.numUpdatedRows) === 0) return null;
      lastSeenAt = now;
    }
    return { ...record, lastSeenAt };
  }

  /** End a session (idempotent). */
  async delete(id: string | undefined): Promise<void> {
    if (!id || !ID.test(id)) return;
    await this.#db.deleteFrom('web_sessions').where('id_hash', '=', hashOf(id)).execute().catch(unavailable('ending a session'));
  }

  /** Remove every expired session, and every row that is not a session. @returns how many were removed */
  async sweep(): Promise<number> {
    const now = this.#now();
    const expired = await this.#db
      .deleteFrom('web_sessions')
      .where((eb) =>
        eb.or([eb('last_seen_at', '<=', now - this.#idleMs), eb('created_at', '<=', now - this.#maxAgeMs), eb('created_at', '>', now + 60_000)]),
      )
      .executeTakeFirst()
      .catch(unavailable('removing expired sessions'));
    let removed = Number(expired.numDeletedRows);
    for (const row of await this.#db.selectFrom('web_sessions').select(['id_hash', 'record']).execute().catch(unavailable('removing expired sessions'))) {
      if (parseRecord(row.record)) continue;
      await this.#db.deleteFrom('web_sessions').where('id_hash', '=', row.id_hash).execute();
      removed++;
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
