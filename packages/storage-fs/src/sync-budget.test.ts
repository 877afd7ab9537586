import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from './fs-storage.js';
import { SYNC_BUDGET, SyncBudget } from './sync-budget.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SyncBudget', () => {
  it('should allow a bounded number of synchronous calls per turn of the event loop', async () => {
    const budget = new SyncBudget({ ...SYNC_BUDGET, calls: 3, ms: 60_000 });
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    await nextTurn();
    expect(budget.take()).toBe(true);
  });

  it('should stop allowing synchronous calls once the turn has run for its time', async () => {
    const budget = new SyncBudget({ ...SYNC_BUDGET, calls: 1000, ms: 5 });
    expect(budget.take()).toBe(true);
    const until = performance.now() + 10;
    while (performance.now() < until);
    expect(budget.take()).toBe(false);
    await nextTurn();
    expect(budget.take()).toBe(true);
  });

  it('should turn the synchronous path off for a while after a slow call', async () => {
    const budget = new SyncBudget({ ...SYNC_BUDGET, slowCallMs: 5, coolDownMs: 300 });
    expect(budget.take()).toBe(true);
    budget.done(performance.now() - 10);
    await nextTurn();
    expect(budget.take()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(budget.take()).toBe(true);
  });
});

describe('FsStorage with synchronous reads', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'wharf-sync-budget-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should let other callbacks run during a burst of thousands of stat calls', async () => {
    const storage = new FsStorage({ root, fsync: false });
    let turns = 0;
    let bursting = true;
    const probe = () => {
      turns++;
      if (bursting) setImmediate(probe);
    };
    setImmediate(probe);
    // Without a budget, these awaits all resolve within one turn and the probe never runs.
    for (let i = 0; i < 5_000; i++) await storage.stat(`/missing/${i}`).catch(() => {});
    bursting = false;
    expect(turns).toBeGreaterThan(20);
  });

  it('should still read what is stored, on either path', async () => {
    const storage = new FsStorage({ root, fsync: false });
    await storage.putContent('/a/b', new TextEncoder().encode('hello'));
    const reads = await Promise.all(Array.from({ length: 200 }, () => storage.getContent('/a/b')));
    expect(reads.every((r) => new TextDecoder().decode(r) === 'hello')).toBe(true);
    const stats = await Promise.all(Array.from({ length: 200 }, () => storage.stat('/a/b')));
    expect(stats.every((s) => s.size === 5 && !s.isDir)).toBe(true);
  });
});
