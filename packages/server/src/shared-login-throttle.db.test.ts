import { afterEach, describe, expect, inject, it } from 'vitest';
import { guardLogin } from '@wharf/core';
import { migrateToLatest, type WharfDatabase } from '@wharf/db';
import { openTestDatabase, reopenTestDatabase, type TestDatabase, testBackend } from '@wharf/db/testing';
import { LOGIN_EVENTS_MIGRATION, type LoginTables, SharedLoginThrottle } from './shared-login-throttle.js';

// Runs on SQLite in the unit project and on PostgreSQL in the postgres project (WHARF_TEST_DB).
const { backend, skip } = testBackend(inject('wharfPostgresUrl') ?? '', inject('wharfPostgresMissing') ?? '');

const dropped: TestDatabase<LoginTables>[] = [];
const closed: WharfDatabase<LoginTables>[] = [];
afterEach(async () => {
  await Promise.all(closed.splice(0).map((d) => d.close()));
  await Promise.all(dropped.splice(0).map((d) => d.drop()));
});

/** Two servers' throttles on one database, with one settable clock. */
async function twoServers(rules: { freeFailures?: number; addressFreeFailures?: number } = {}) {
  const first = await openTestDatabase<LoginTables>(backend);
  dropped.push(first);
  await migrateToLatest(first.db, [LOGIN_EVENTS_MIGRATION]);
  const second = await reopenTestDatabase(first);
  closed.push(second);
  const clock = { now: Date.parse('2026-12-05T12:00:00Z') };
  const options = { ...rules, now: () => clock.now };
  return { a: new SharedLoginThrottle(first.db, options), b: new SharedLoginThrottle(second.db, options), clock };
}

/** One login with a wrong password through core's guard, as every login path makes it. */
async function wrongPassword(throttle: SharedLoginThrottle, account: string, address: string): Promise<'refused' | 'locked'> {
  try {
    await guardLogin(throttle, account, address, (attempt) => {
      attempt();
      return null;
    });
    await throttle.flush();
    return 'refused';
  } catch (error) {
    if ((error as { code?: string }).code === 'TOOMANYREQUESTS') return 'locked';
    throw error;
  }
}

describe.skipIf(skip)(`the login throttle shared through the database (${backend.kind})`, () => {
  it('should count failed logins made on two servers together and lock the name on both', async () => {
    const { a, b } = await twoServers({ freeFailures: 5 });
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push(await wrongPassword(i % 2 === 0 ? a : b, 'alice', '203.0.113.7'));
    expect(results).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
    // the sixth counts and locks; the seventh is refused unchecked on either server
    expect(await wrongPassword(b, 'alice', '203.0.113.7')).toBe('refused');
    expect(await wrongPassword(a, 'alice', '203.0.113.7')).toBe('locked');
    expect(await wrongPassword(b, 'ALICE', '203.0.113.7')).toBe('locked');
    // another address is not locked out by this one's guesses
    expect(await wrongPassword(a, 'alice', '198.51.100.1')).toBe('refused');
  });

  it('should release the lock on both servers when it runs out, and clear the count on a success', async () => {
    const { a, b, clock } = await twoServers({ freeFailures: 2 });
    for (let i = 0; i < 3; i++) await wrongPassword(a, 'bob', '203.0.113.9');
    expect(await wrongPassword(b, 'bob', '203.0.113.9')).toBe('locked');
    clock.now += 1_500;
    await guardLogin(b, 'bob', '203.0.113.9', (attempt) => {
      attempt();
      return { ok: true };
    });
    await b.flush();
    // the success on B cleared the name's count: A grants the free failures again
    expect(await wrongPassword(a, 'bob', '203.0.113.9')).toBe('refused');
    expect(await wrongPassword(a, 'bob', '203.0.113.9')).toBe('refused');
  });

  it("should apply the address's allowance to guesses at many names spread over both servers", async () => {
    const { a, b } = await twoServers({ addressFreeFailures: 6 });
    const results: string[] = [];
    for (let i = 0; i < 8; i++) results.push(await wrongPassword(i % 2 === 0 ? a : b, `user${i}`, '192.0.2.50'));
    expect(results.slice(0, 6)).toEqual(Array(6).fill('refused'));
    expect(results.slice(6)).toEqual(['locked', 'locked']);
  });
});
