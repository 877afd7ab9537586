import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../storage/memory-driver.js';
import type { StorageDriver } from '../../storage/driver.js';
import { ManualClock } from '../../test-support/cleanup-fakes.js';
import { acquireLease } from './lease.js';

const PATH = '/wharf/v1/_lifecycle/cleanup/team/app/_lease.json';

describe('policy lease', () => {
  const options = (clock: ManualClock, owner = 'a') => ({ owner, ttlMs: 60_000, now: clock.now, settleMs: 0 });

  it('should be held by one claimant until released', async () => {
    const storage = new MemoryStorage();
    const clock = new ManualClock();
    const a = await acquireLease(storage, PATH, options(clock, 'a'));
    expect(a).not.toBeNull();
    expect(await acquireLease(storage, PATH, options(clock, 'b'))).toBeNull();
    await a?.release();
    expect(await acquireLease(storage, PATH, options(clock, 'b'))).not.toBeNull();
  });

  it('should be claimable once expired, and releasing a lost lease should leave the new holder alone', async () => {
    const storage = new MemoryStorage();
    const clock = new ManualClock();
    const a = await acquireLease(storage, PATH, options(clock, 'a'));
    clock.advance(60_001);
    const b = await acquireLease(storage, PATH, options(clock, 'b'));
    expect(b).not.toBeNull();
    await a?.release();
    expect(await acquireLease(storage, PATH, options(clock, 'c'))).toBeNull();
    await b?.release();
    await b?.release(); // twice is fine
  });

  it('should give up when another claim lands while it settles', async () => {
    const inner = new MemoryStorage();
    const clock = new ManualClock();
    // another process writes its claim right after ours
    const racing = {
      name: 'racing',
      getContent: (path: string) => inner.getContent(path),
      delete: (path: string) => inner.delete(path),
      putContent: async (path: string, content: Uint8Array) => {
        await inner.putContent(path, content);
        const theirs = { token: 'theirs', owner: 'b', expiresAt: new Date(clock.t + 60_000).toISOString() };
        await inner.putContent(path, new TextEncoder().encode(JSON.stringify(theirs)));
      },
    } as unknown as StorageDriver;
    expect(await acquireLease(racing, PATH, { ...options(clock), settleMs: 1 })).toBeNull();
  });
});
