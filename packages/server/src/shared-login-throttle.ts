/**
 * The failed-login throttle shared by every server on one metadata database
 * ({@link SharedLoginThrottle}): behind a load balancer an attacker gets the attempts of one
 * server, not of one per server.
 *
 * The rules stay core's {@link LoginThrottle} (free failures, doubling locks, the per-address
 * allowance). What is shared is what they are computed from: every counted password check and
 * every success is a row of `login_events`, written by the server that saw it. Before a login is
 * checked, `prepare` reads the rows of that login name at that address and of that address (both
 * indexed, and few: a locked name or address is refused before anything is counted) and replays
 * them, in time order, through a fresh `LoginThrottle`; the synchronous gate right before the
 * password hash then decides on every server's attempts. Events this process has written but
 * the database may not show yet are replayed from memory too, so parallel guesses at one server
 * cannot outrun the count.
 *
 * A database that cannot answer fails the login with 503 (`prepare` throws): no password is
 * checked without its count. Rows older than the longest window are deleted now and then.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addressKey, LOGIN_THROTTLE_DEFAULTS, LoginThrottle, type LoginThrottleOptions, type LoginThrottlePolicy } from '@wharf/core';
import { classifyDatabaseError, type MigrationDb, type WharfMigration } from '@wharf/db';

export interface LoginEventRow {
  id: string;
  /**
   * What one name's count is kept under: the sha256 of the lowercase login name and the address
   * key. Hashed, so a login name an attacker made up (control characters, megabytes) is stored
   * as 64 hex digits, and names people typed wrong are not kept in the clear.
   */
  name_key: string;
  /** The address key (an IPv6 /64); empty when the runtime does not tell the address. */
  address_key: string;
  /** The client's address as the runtime gave it. */
  address: string | null;
  kind: 'fail' | 'succeed';
  /** Milliseconds since the epoch. */
  at: number;
}

export interface LoginTables {
  login_events: LoginEventRow;
}

/** The shared throttle's table. */
export const LOGIN_EVENTS_MIGRATION: WharfMigration = {
  name: '0002_login_events',
  async up(db: MigrationDb) {
    await db.schema
      .createTable('login_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('address_key', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'double precision', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_events_name').on('login_events').columns(['name_key', 'at']).execute();
    await db.schema.createIndex('login_events_address').on('login_events').columns(['address_key', 'at']).execute();
    await db.schema.createIndex('login_events_at').on('login_events').column('at').execute();
  },
};

const nameKey = (account: string, address: string | undefined): string =>
  createHash('sha256').update(account.toLowerCase()).update('\u0000').update(addressKey(address)).digest('hex');

/** How long this process replays its own events from memory (longer than any write takes). */
const OWN_EVENTS_MS = 10_000;
/** Rows are pruned on every this many writes. */
const PRUNE_EVERY = 200;

/** Core's throttle over events every server writes to, and reads from, one database. */
export class SharedLoginThrottle implements LoginThrottlePolicy {
  readonly #db: Kysely<LoginTables>;
  readonly #options: LoginThrottleOptions;
  readonly #now: () => number;
  /** Events are kept this long: the longest any rule looks back. */
  readonly #horizonMs: number;
  /** The replayed throttle of each name being checked, by name key. */
  readonly #views = new Map<string, { throttle: LoginThrottle; madeAt: number }>();
  readonly #own: LoginEventRow[] = [];
  readonly #writes = new Set<Promise<void>>();
  #written = 0;
  readonly #onError: (error: unknown) => void;

  constructor(db: Kysely<LoginTables>, options: LoginThrottleOptions & { readonly onError?: (error: unknown) => void } = {}) {
    const { onError, ...rules } = options;
    this.#db = db;
    this.#options = rules;
    this.#now = rules.now ?? Date.now;
    const d = LOGIN_THROTTLE_DEFAULTS;
    this.#horizonMs = Math.max(rules.forgetAfterMs ?? d.forgetAfterMs, rules.addressWindowMs ?? d.addressWindowMs, rules.maxLockMs ?? d.maxLockMs) + 60_000;
    this.#onError = onError ?? ((error) => console.error('wharf: recording a login attempt failed:', error));
  }

  /** Read every server's events for this name at this address, and for the address. @throws DatabaseUnavailableError */
  async prepare(account: string, address?: string): Promise<void> {
    const now = this.#now();
    const key = nameKey(account, address);
    const addr = addressKey(address);
    const since = now - this.#horizonMs;
    const rows = await this.#db
      .selectFrom('login_events')
      .selectAll()
      .where('at', '>=', since)
      .where((eb) => (addr ? eb.or([eb('name_key', '=', key), eb('address_key', '=', addr)]) : eb('name_key', '=', key)))
      .execute()
      .catch((error: unknown) => {
        throw classifyDatabaseError(error, 'reading the failed-login counts');
      });
    const own = this.#own.filter((e) => e.at >= now - OWN_EVENTS_MS && (e.name_key === key || (addr !== '' && e.address_key === addr)));
    const seen = new Set(rows.map((r) => r.id));
    const events = [...rows, ...own.filter((e) => !seen.has(e.id))].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    let clock: number | undefined;
    const throttle = new LoginThrottle({ ...this.#options, now: () => clock ?? this.#now() });
    for (const event of events) {
      clock = Number(event.at);
      // The view counts under the name key: core's throttle keys names by exactly that pair.
      const at = event.address ?? undefined;
      if (event.kind === 'fail') throttle.fail(event.name_key, at);
      else throttle.succeed(event.name_key, at);
    }
    clock = undefined;
    this.#views.set(key, { throttle, madeAt: now });
    this.#forgetOldViews(now);
  }

  retryAfterMs(account: string, address?: string): number {
    const key = nameKey(account, address);
    return this.#views.get(key)?.throttle.retryAfterMs(key, address) ?? 0;
  }

  fail(account: string, address?: string): void {
    const key = nameKey(account, address);
    this.#views.get(key)?.throttle.fail(key, address);
    this.#record(key, address, 'fail');
  }

  succeed(account: string, address?: string): void {
    const key = nameKey(account, address);
    this.#views.get(key)?.throttle.succeed(key, address);
    this.#record(key, address, 'succeed');
  }

  /** Wait for the events written so far (tests; a server that stops). */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  #record(key: string, address: string | undefined, kind: LoginEventRow['kind']): void {
    const now = this.#now();
    const event: LoginEventRow = { id: randomUUID(), name_key: key, address_key: addressKey(address), address: address ?? null, kind, at: now };
    this.#own.push(event);
    while (this.#own.length > 0 && (this.#own[0] as LoginEventRow).at < now - OWN_EVENTS_MS) this.#own.shift();
    const prune = ++this.#written % PRUNE_EVERY === 0;
    const write = (async () => {
      await this.#db.insertInto('login_events').values(event).execute();
      if (prune) await this.#db.deleteFrom('login_events').where('at', '<', now - this.#horizonMs).execute();
    })().catch(this.#onError);
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }

  #forgetOldViews(now: number): void {
    if (this.#views.size < 1000) return;
    for (const [key, view] of this.#views) if (now - view.madeAt > 60_000) this.#views.delete(key);
  }
}
