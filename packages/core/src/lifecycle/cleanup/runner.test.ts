import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pathFor } from '../../storage/paths.js';
import { DAY, FakeTarget, ManualClock } from '../../test-support/cleanup-fakes.js';
import { acquireLease } from './lease.js';
import { CleanupRunner } from './runner.js';
import { MAX_RUN_RECORDS, type CleanupEvent } from './run-options.js';
import { CleanupPolicyStore, MAX_RECORDED_TAGS } from './store.js';

async function setup(policy: Record<string, unknown> = {}, deleteCost = 0) {
  const clock = new ManualClock();
  const storage = new MemoryStorage();
  const store = new CleanupPolicyStore(storage, { now: clock.now });
  const target = new FakeTarget(clock, deleteCost);
  const events: CleanupEvent[] = [];
  const errors: unknown[] = [];
  const runner = new CleanupRunner({
    store,
    target,
    now: clock.now,
    leaseSettleMs: 0,
    onCleanup: (e) => {
      events.push(e);
    },
    onError: (e) => errors.push(e),
  });
  await store.save('team/app', { enabled: true, keep_n: null, older_than: null, ...policy });
  return { clock, storage, store, target, runner, events, errors };
}

describe('cleanup runner', () => {
  it('should apply keep_n and older_than to each repository of the project separately', async () => {
    const { target, runner } = await setup({ keep_n: 1, older_than: '7d' });
    target.add('team/app', { a1: 30, a2: 20, a3: 10, a4: 1 });
    target.add('team/app/api', { b1: 30, b2: 20 });
    target.add('team/other', { c1: 30, c2: 20 });
    const result = await runner.run('team/app');
    expect(result.status).toBe('finished');
    expect(target.tags('team/app')).toEqual(['a4']);
    expect(target.tags('team/app/api')).toEqual(['b2']);
    expect(target.tags('team/other')).toEqual(['c1', 'c2']);
    expect(result.deleted).toEqual([
      { repository: 'team/app', tag: 'a1' },
      { repository: 'team/app', tag: 'a2' },
      { repository: 'team/app', tag: 'a3' },
      { repository: 'team/app/api', tag: 'b1' },
    ]);
  });

  it('should delete nothing in a dry run, and say what it would delete and why it keeps the rest', async () => {
    const { target, runner, store, storage } = await setup({ keep_n: 1 });
    target.add('team/app', { latest: 50, old: 30, new: 1 });
    const result = await runner.run('team/app', { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.plans).toEqual([
      {
        repository: 'team/app',
        delete: ['old'],
        kept: [
          { tag: 'latest', reason: 'latest' },
          { tag: 'new', reason: 'keep_n' },
        ],
      },
    ]);
    expect(result.deleted).toEqual([]);
    expect(target.tags('team/app')).toEqual(['latest', 'new', 'old']);
    expect(await store.state('team/app')).toBeNull();
    await expect(storage.stat(pathFor({ kind: 'cleanupLease', project: 'team/app' }))).rejects.toThrow();
  });

  it('should dry-run an unsaved policy, refusing it for a real run', async () => {
    const { target, runner } = await setup({ keep_n: 10 });
    target.add('team/app', { a: 30, b: 20 });
    const result = await runner.run('team/app', { dryRun: true, policy: { keep_n: 1 } });
    expect(result.plans[0]?.delete).toEqual(['a']);
    await expect(runner.run('team/app', { policy: { keep_n: 1 } })).rejects.toMatchObject({ field: 'policy' });
    await expect(runner.run('team/app', { dryRun: true, policy: { keep_n: 3 } })).rejects.toMatchObject({ field: 'keep_n' });
  });

  it('should refuse a project without a policy', async () => {
    const { runner } = await setup();
    await expect(runner.run('team/none')).rejects.toMatchObject({ field: 'project' });
  });

  it('should record what it deleted, what failed and when it runs next', async () => {
    const { target, runner, store, clock } = await setup({ cadence: '7d' });
    target.add('team/app', { a: 30, b: 20, c: 10 });
    target.add('team/app/broken', { x: 1 });
    target.failDelete.add('team/app:b');
    target.failListing.add('team/app/broken');
    const startedAt = clock.t;
    const result = await runner.run('team/app');
    expect(result.failed).toEqual([
      { repository: 'team/app', tag: 'b', error: 'cannot delete team/app:b' },
      { repository: 'team/app/broken', tag: null, error: 'cannot list team/app/broken' },
    ]);
    const state = await store.state('team/app');
    expect(state?.nextRunAt).toBe(new Date(startedAt + 7 * DAY).toISOString());
    expect(state?.cursor).toBeNull();
    expect(state?.runs).toHaveLength(1);
    expect(state?.runs[0]).toMatchObject({
      id: result.id,
      status: 'finished',
      resumed: false,
      deleted: [
        { repository: 'team/app', tag: 'a' },
        { repository: 'team/app', tag: 'c' },
      ],
      deletedCount: 2,
      failedCount: 2,
      nextRunAt: new Date(startedAt + 7 * DAY).toISOString(),
    });
  });

  it('should stop when its budget runs out and resume there next time', async () => {
    // each delete costs 1 s of the 2.5 s budget: three deletes per run
    const { target, runner, store, clock, events } = await setup({ cadence: '1d' }, 1000);
    target.add('team/app', { a1: 30, a2: 29, a3: 28, a4: 27 });
    target.add('team/app/api', { b1: 30, b2: 29, b3: 28 });
    const firstStart = clock.t;

    const first = await runner.run('team/app', { budgetMs: 2500 });
    expect(first.status).toBe('unfinished');
    expect(first.deleted.map((d) => d.tag)).toEqual(['a1', 'a2', 'a3']);
    expect(first.cursor).toEqual({ repository: 'team/app', remaining: ['a4'] });
    expect(first.nextRunAt).toBe(new Date(clock.t).toISOString());
    const afterFirst = await store.state('team/app');
    expect(afterFirst?.cursor).toEqual(first.cursor);
    expect(afterFirst?.nextRunAt).toBe(new Date(firstStart + DAY).toISOString());

    target.add('team/app', { fresh: 0 }); // pushed meanwhile: the resumed run plans afresh and sees it
    const second = await runner.run('team/app', { budgetMs: 2500 });
    expect(second.resumed).toBe(true);
    expect(second.status).toBe('unfinished');
    expect(second.deleted.map((d) => `${d.repository}:${d.tag}`)).toEqual(['team/app:a4', 'team/app:fresh', 'team/app/api:b1']);

    const third = await runner.run('team/app', { budgetMs: 2500 });
    expect(third).toMatchObject({ status: 'finished', resumed: true, cursor: null });
    expect(third.deleted.map((d) => d.tag)).toEqual(['b2', 'b3']);
    expect(target.tags('team/app')).toEqual([]);
    expect(target.tags('team/app/api')).toEqual([]);
    // a resumed run keeps the schedule of the run it continued
    expect(third.nextRunAt).toBe(new Date(firstStart + DAY).toISOString());
    expect((await store.state('team/app'))?.runs.map((r) => [r.status, r.resumed])).toEqual([
      ['finished', true],
      ['unfinished', true],
      ['unfinished', false],
    ]);
    expect(events.map((e) => e.status)).toEqual(['unfinished', 'unfinished', 'finished']);
  });

  it('should make progress even with no budget at all', async () => {
    const { target, runner } = await setup({}, 1000);
    target.add('team/app', { a: 3, b: 2 });
    const first = await runner.run('team/app', { budgetMs: 0 });
    expect(first).toMatchObject({ status: 'unfinished', cursor: { repository: 'team/app', remaining: ['b'] } });
    expect(target.tags('team/app')).toEqual(['b']);
    expect(await runner.run('team/app', { budgetMs: 0 })).toMatchObject({ status: 'finished', resumed: true });
    expect(target.tags('team/app')).toEqual([]);
  });

  it('should drop the cursor when the policy is saved again', async () => {
    const { target, runner, store } = await setup({}, 1000);
    target.add('team/app', { a: 3, b: 2, c: 1 });
    expect((await runner.run('team/app', { budgetMs: 500 })).cursor).not.toBeNull();
    await store.save('team/app', { keep_n: 1 });
    const result = await runner.run('team/app', { budgetMs: 60_000 });
    expect(result.resumed).toBe(false);
    expect(target.tags('team/app')).toEqual(['c']);
  });

  it('should do nothing while another process holds the lease', async () => {
    const { target, runner, storage, clock, store } = await setup();
    target.add('team/app', { a: 3 });
    await acquireLease(storage, pathFor({ kind: 'cleanupLease', project: 'team/app' }), {
      owner: 'other',
      ttlMs: 60_000,
      now: clock.now,
      settleMs: 0,
    });
    const result = await runner.run('team/app');
    expect(result.status).toBe('locked');
    expect(target.tags('team/app')).toEqual(['a']);
    expect(await store.state('team/app')).toBeNull();
    clock.advance(60_001);
    expect((await runner.run('team/app')).status).toBe('finished');
  });

  it('should release its lease after a run', async () => {
    const { runner, storage } = await setup();
    await runner.run('team/app');
    await expect(storage.stat(pathFor({ kind: 'cleanupLease', project: 'team/app' }))).rejects.toThrow();
  });

  it('should emit a cleanup event per run and survive a listener that throws', async () => {
    const clock = new ManualClock();
    const storage = new MemoryStorage();
    const store = new CleanupPolicyStore(storage, { now: clock.now });
    const target = new FakeTarget(clock).add('team/app', { a: 100 });
    const errors: unknown[] = [];
    const runner = new CleanupRunner({
      store,
      target,
      now: clock.now,
      leaseSettleMs: 0,
      onCleanup: () => {
        throw new Error('listener broke');
      },
      onError: (e) => errors.push(e),
    });
    await store.save('team/app', { keep_n: null });
    const result = await runner.run('team/app');
    expect(result.status).toBe('finished');
    expect(target.tags('team/app')).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('should describe the event', async () => {
    const { target, runner, events } = await setup();
    target.add('team/app', { a: 100, b: 90 });
    target.failDelete.add('team/app:b');
    const result = await runner.run('team/app', { principal: { subject: 'alice' } });
    expect(events).toEqual([
      {
        kind: 'cleanup',
        project: 'team/app',
        runId: result.id,
        startedAt: new Date(result.startedAt),
        timestamp: new Date(result.finishedAt),
        dryRun: false,
        status: 'finished',
        resumed: false,
        deleted: { tags: 1 },
        failed: 1,
        errors: ['team/app:b: cannot delete team/app:b'],
        principal: { subject: 'alice' },
        nextRunAt: new Date(result.nextRunAt ?? ''),
      },
    ]);
  });

  it('should count what a dry run would delete in its event, and report no locked or skipped run', async () => {
    const { target, runner, events, storage, clock } = await setup();
    target.add('team/app', { a: 100, b: 90 });
    await runner.run('team/app', { dryRun: true });
    expect(events.map((e) => [e.dryRun, e.deleted, e.nextRunAt, 'principal' in e])).toEqual([[true, { tags: 2 }, null, false]]);
    await runner.run('team/app', { ifDue: true });
    await acquireLease(storage, pathFor({ kind: 'cleanupLease', project: 'team/app' }), {
      owner: 'other',
      ttlMs: 60_000,
      now: clock.now,
      settleMs: 0,
    });
    await runner.run('team/app');
    expect(events).toHaveLength(1);
  });

  it(`should keep the last ${MAX_RUN_RECORDS} run records`, async () => {
    const { runner, store } = await setup();
    for (let i = 0; i < MAX_RUN_RECORDS + 3; i++) await runner.run('team/app');
    expect((await store.state('team/app'))?.runs).toHaveLength(MAX_RUN_RECORDS);
  });

  it(`should record at most ${MAX_RECORDED_TAGS} tags per list, with exact counts`, async () => {
    const { target, runner, store } = await setup();
    target.add('team/app', Object.fromEntries(Array.from({ length: MAX_RECORDED_TAGS + 5 }, (_, i) => [`t${i}`, 10])));
    const result = await runner.run('team/app');
    expect(result.deleted).toHaveLength(MAX_RECORDED_TAGS + 5);
    const [record] = (await store.state('team/app'))?.runs ?? [];
    expect(record?.deleted).toHaveLength(MAX_RECORDED_TAGS);
    expect(record?.deletedCount).toBe(MAX_RECORDED_TAGS + 5);
  });

  it('should record a run that cannot list the project as failed', async () => {
    const { target, runner, store } = await setup();
    target.listRepositories = async () => {
      throw new Error('storage down');
    };
    const result = await runner.run('team/app');
    expect(result).toMatchObject({ status: 'failed', error: 'storage down' });
    expect((await store.state('team/app'))?.runs[0]).toMatchObject({ status: 'failed', error: 'storage down' });
  });

  it('should skip a policy that is not due when asked to run only if due', async () => {
    const { target, runner, clock } = await setup({ cadence: '1d' });
    target.add('team/app', { a: 100 });
    expect((await runner.run('team/app', { ifDue: true })).status).toBe('skipped');
    clock.advance(DAY);
    expect((await runner.run('team/app', { ifDue: true })).status).toBe('finished');
    expect((await runner.run('team/app', { ifDue: true })).status).toBe('skipped');
  });
});
