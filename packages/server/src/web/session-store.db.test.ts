import { createHash } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { migrateToLatest, type WharfDatabase } from '@wharf/db';
import { openTestDatabase, reopenTestDatabase, type TestDatabase, testBackend } from '@wharf/db/testing';
import { SESSIONS_MIGRATION, type SessionTables, SessionStore } from './session-store.js';

// Runs on SQLite in the unit project and on PostgreSQL in the postgres project (WHARF_TEST_DB).
const { backend, skip } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');

const dropped: TestDatabase<SessionTables>[] = [];
const closed: WharfDatabase<SessionTables>[] = [];
afterEach(async () => {
  await Promise.all(closed.splice(0).map((d) => d.close()));
  await Promise.all(dropped.splice(0).map((d) => d.drop()));
});

async function open(options: { idleMs?: number; maxAgeMs?: number } = {}) {
  const database = await openTestDatabase<SessionTables>(backend);
  dropped.push(database);
  await migrateToLatest(database.db, [SESSIONS_MIGRATION]);
  let now = Date.parse('2026-05-01T08:00:00Z');
  const store = SessionStore.open(database.db, { ...options, touchEveryMs: 1_000, now: () => now });
  return {
    database,
    store,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const who = { subject: 'user:01', username: 'alice' };

describe.skipIf(skip)(`SessionStore (${backend.kind})`, () => {
  it('should give every session a fresh 256-bit id and form secret', async () => {
    const { store } = await open();
    const a = await store.create(who);
    const b = await store.create(who);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrf).not.toBe(b.session.csrf);
    expect(await store.get(a.id)).toMatchObject({ subject: 'user:01', username: 'alice', csrf: a.session.csrf });
  });

  it('should end a session after the idle time, but keep one that is used', async () => {
    const { store, advance } = await open({ idleMs: 60_000, maxAgeMs: 3_600_000 });
    const used = await store.create(who);
    const idle = await store.create(who);
    for (let i = 0; i < 5; i++) {
      advance(40_000);
      expect(await store.get(used.id)).not.toBeNull();
    }
    expect(await store.get(idle.id)).toBeNull();
  });

  it('should end every session at its maximum age, however much it is used', async () => {
    const { store, advance } = await open({ idleMs: 60_000, maxAgeMs: 150_000 });
    const s = await store.create(who);
    advance(50_000);
    expect(await store.get(s.id)).not.toBeNull();
    advance(50_000);
    expect(await store.get(s.id)).not.toBeNull();
    advance(50_000);
    expect(await store.get(s.id)).toBeNull();
  });

  it('should forget deleted sessions, ignore malformed ids and rows, and sweep expired ones', async () => {
    const { database, store, now, advance } = await open({ idleMs: 60_000 });
    const s = await store.create(who);
    await store.delete(s.id);
    expect(await store.get(s.id)).toBeNull();
    for (const id of [undefined, '', '../../etc/passwd', 'x'.repeat(44)]) expect(await store.get(id)).toBeNull();
    const expiring = await store.create(who);
    advance(61_000);
    const fresh = await store.create(who);
    await database.db.insertInto('web_sessions').values({ id_hash: '0'.repeat(64), record: 'not json', created_at: now(), last_seen_at: now() }).execute();
    expect(await store.sweep()).toBe(2);
    expect(await store.get(expiring.id)).toBeNull();
    expect(await store.get(fresh.id)).not.toBeNull();
  });

  it('should keep only the sha256 of a session id, never the id', async () => {
    const { database, store } = await open();
    const { id } = await store.create(who);
    const rows = await database.db.selectFrom('web_sessions').selectAll().execute();
    expect(rows.map((r) => r.id_hash)).toEqual([createHash('sha256').update(id).digest('hex')]);
    expect(JSON.stringify(rows)).not.toContain(id);
  });

  it('should let two servers on one database agree: a sign-in on one works on the other, a sign-out on one ends it on both', async () => {
    const { database, store, now } = await open();
    const second = await reopenTestDatabase(database);
    closed.push(second);
    const other = SessionStore.open(second.db, { now });
    const s = await store.create(who);
    expect(await other.get(s.id)).toMatchObject({ username: 'alice' });
    await other.delete(s.id);
    expect(await store.get(s.id)).toBeNull();
  });
});
