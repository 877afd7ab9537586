import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory-driver.js';
import { guard } from '../storage/guard.js';
import { baseName, pathFor } from '../storage/paths.js';
import { sha256 } from '../test-support/fixtures.js';
import { QuotaReservations } from './quota-reservations.js';

const digest = sha256('content');

function setup(ttlMs: number) {
  let clock = 1_700_000_000_000;
  const storage = guard(new MemoryStorage());
  const reservations = new QuotaReservations(storage, ttlMs, () => clock);
  /** The times in the reservation file names, without listing through the class (which expires). */
  const stamps = async () => (await storage.list(pathFor({ kind: 'quotaReservationsDir', namespace: 'team' }))).map((f) => Number(baseName(f).split('.')[0]));
  return { reservations, stamps, now: () => clock, advance: (ms: number) => (clock += ms) };
}

describe('quota reservations', () => {
  it('should list a reservation as publishing, then as published once kept', async () => {
    const { reservations } = setup(60_000);
    const held = await reservations.add('team', { digest, size: 42 }, 'team/app');
    expect(await reservations.list('team')).toEqual([{ digest, size: 42, published: false }]);
    expect(await reservations.list('team', held.id)).toEqual([]);
    expect(await reservations.list('other')).toEqual([]);
    await held.keep();
    expect(await reservations.list('team')).toEqual([{ digest, size: 42, published: true }]);
  });

  it('should delete a cancelled reservation at once', async () => {
    const { reservations } = setup(60_000);
    const held = await reservations.add('team', { digest, size: 42 }, 'team/app');
    await held.cancel();
    await held.keep(); // after cancel: nothing
    expect(await reservations.list('team')).toEqual([]);
  });

  it('should expire a reservation nobody refreshes, and delete it', async () => {
    const { reservations, advance } = setup(60_000);
    const held = await reservations.add('team', { digest, size: 42 }, 'team/app');
    await held.keep();
    advance(59_000);
    expect(await reservations.list('team')).toHaveLength(1);
    advance(2_000);
    expect(await reservations.list('team')).toEqual([]);
    advance(-61_000);
    expect(await reservations.list('team')).toEqual([]);
  });

  it('should refresh a reservation while its push publishes', async () => {
    const { reservations, stamps, now, advance } = setup(40);
    const held = await reservations.add('team', { digest, size: 42 }, 'team/app');
    for (let i = 0; i < 3; i++) {
      advance(1_000);
      // The refresh runs on a timer (every 10 ms here): wait for it, however busy the machine.
      for (let waited = 0; (await stamps())[0] !== now() && waited < 5_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      expect(await reservations.list('team')).toEqual([{ digest, size: 42, published: false }]);
    }
    await held.cancel();
    expect(await reservations.list('team')).toEqual([]);
  });
});
