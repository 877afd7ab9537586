import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { DAY, FakeTarget, ManualClock } from '../../test-support/cleanup-fakes.js';
import { CleanupScheduler } from './scheduler.js';
import { CleanupPolicyStore } from './store.js';

function setup(deleteCost = 0, budgetMs?: number) {
  const clock = new ManualClock();
  const storage = new MemoryStorage();
  const policies = new CleanupPolicyStore(storage, { now: clock.now });
  const target = new FakeTarget(clock, deleteCost);
  const scheduler = new CleanupScheduler({
    policies,
    target,
    now: clock.now,
    leaseSettleMs: 0,
    ...(budgetMs !== undefined ? { budgetMs } : {}),
  });
  return { clock, storage, policies, target, scheduler };
}

const ALL = { keep_n: null, older_than: null } as const;

describe('cleanup scheduler', () => {
  it('should not run a policy before one cadence has passed since it was saved', async () => {
    const { policies, target, scheduler, clock } = setup();
    await policies.save('team/app', { ...ALL, enabled: true, cadence: '7d' });
    target.add('team/app', { a: 100 });
    clock.advance(7 * DAY - 1);
    expect(await scheduler.due()).toEqual([]);
    expect(await scheduler.tick()).toEqual([]);
    expect(target.tags('team/app')).toEqual(['a']);
  });

  it('should run a due policy, then not again until one cadence after that run', async () => {
    const { policies, target, scheduler, clock } = setup();
    await policies.save('team/app', { ...ALL, enabled: true, cadence: '1d' });
    target.add('team/app', { a: 100 });
    clock.advance(DAY + 5000);
    expect(await scheduler.due()).toEqual([
      { project: 'team/app', reason: 'scheduled', nextRunAt: new Date(clock.t - 5000).toISOString() },
    ]);
    const [run] = await scheduler.tick();
    expect(run).toMatchObject({ status: 'finished', nextRunAt: new Date(clock.t + DAY).toISOString() });
    expect(target.tags('team/app')).toEqual([]);
    clock.advance(DAY - 1);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(1);
    expect(await scheduler.tick()).toHaveLength(1);
  });

  it('should never run a disabled policy', async () => {
    const { policies, target, scheduler, clock } = setup();
    await policies.save('team/app', { ...ALL, enabled: false });
    target.add('team/app', { a: 100 });
    clock.advance(30 * DAY);
    expect(await scheduler.tick()).toEqual([]);
    expect(target.tags('team/app')).toEqual(['a']);
  });

  it('should resume unfinished runs at the next tick, before other due policies', async () => {
    const { policies, target, scheduler, clock } = setup(1000, 1500);
    await policies.save('team/app', { ...ALL, enabled: true });
    clock.advance(60_000);
    await policies.save('team/web', { ...ALL, enabled: true });
    target.add('team/app', { a1: 10, a2: 9, a3: 8 });
    target.add('team/web', { w1: 10 });
    clock.advance(DAY);
    const first = await scheduler.tick();
    expect(first.map((r) => [r.project, r.status])).toEqual([
      ['team/app', 'unfinished'],
      ['team/web', 'finished'],
    ]);
    expect((await scheduler.due()).map((d) => [d.project, d.reason])).toEqual([['team/app', 'resume']]);
    const second = await scheduler.tick();
    expect(second.map((r) => [r.project, r.status, r.resumed])).toEqual([['team/app', 'finished', true]]);
    expect(target.tags('team/app')).toEqual([]);
  });

  it('should reset the schedule when a policy is saved again', async () => {
    const { policies, scheduler, clock } = setup();
    await policies.save('team/app', { enabled: true, cadence: '1d' });
    clock.advance(DAY - 60_000);
    await policies.save('team/app', { cadence: '1d' });
    clock.advance(60_000);
    expect(await scheduler.due()).toEqual([]);
    clock.advance(DAY - 60_000);
    expect(await scheduler.due()).toHaveLength(1);
  });

  it('should run a policy once when two schedulers share the storage', async () => {
    const { policies, target, clock, storage } = setup();
    // claims within 5 ms of each other: the later one wins, the earlier one sees it and yields
    const other = new CleanupScheduler({
      policies: new CleanupPolicyStore(storage, { now: clock.now }),
      target,
      now: clock.now,
      leaseSettleMs: 5,
    });
    const first = new CleanupScheduler({ policies, target, now: clock.now, leaseSettleMs: 5 });
    await policies.save('team/app', { ...ALL, enabled: true });
    target.add('team/app', { a: 10 });
    clock.advance(DAY);
    const results = (await Promise.all([first.tick(), other.tick()])).flat();
    expect(results.filter((r) => r.status === 'finished')).toHaveLength(1);
    expect(results.filter((r) => r.status !== 'finished').map((r) => r.status)).toEqual([expect.stringMatching(/^(locked|skipped)$/)]);
    // run in turn: the second sees the first's run and skips
    clock.advance(DAY);
    const [a] = await first.tick();
    const [b] = await other.tick();
    expect([a?.status, b?.status]).toEqual(['finished', undefined]);
  });

  it('should tick on a timer until stopped', async () => {
    const { policies, target, clock } = setup();
    const runs: string[] = [];
    const scheduler = new CleanupScheduler({
      policies,
      target,
      now: clock.now,
      intervalMs: 5,
      leaseSettleMs: 0,
      onCleanup: (e) => {
        runs.push(e.status);
      },
    });
    await policies.save('team/app', { ...ALL, enabled: true });
    target.add('team/app', { a: 10 });
    clock.advance(DAY);
    scheduler.start();
    await expect.poll(() => runs.length).toBeGreaterThan(0);
    await scheduler.stop();
    expect(runs).toEqual(['finished']);
  });
});
