import { describe, expect, it } from 'vitest';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { GcLock, type GcLockedError } from './lock.js';
import type { GcReport } from './report.js';
import { scheduleGarbageCollection } from './scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduleGarbageCollection', () => {
  it('should run every interval until stopped', async () => {
    const reports: GcReport[] = [];
    const schedule = scheduleGarbageCollection(guard(new MemoryStorage()), {
      intervalMs: 20,
      settleMs: 0,
      recheckDelayMs: 0,
      onReport: (r) => reports.push(r),
    });
    await sleep(150);
    await schedule.stop();
    const count = reports.length;
    expect(count).toBeGreaterThanOrEqual(2);
    await sleep(60);
    expect(reports.length).toBe(count);
  });

  it('should skip a turn while another collection holds the lock', async () => {
    const storage = guard(new MemoryStorage());
    await new GcLock(storage, 'elsewhere').acquire();
    const skipped: GcLockedError[] = [];
    const schedule = scheduleGarbageCollection(storage, { intervalMs: 60_000, settleMs: 0, onSkip: (e) => skipped.push(e) });
    expect(await schedule.runNow()).toBeNull();
    expect(skipped[0]?.holder.run).toBe('elsewhere');
    await schedule.stop();
  });

  it('should abort a running collection on stop', async () => {
    const errors: unknown[] = [];
    const schedule = scheduleGarbageCollection(guard(new MemoryStorage()), { intervalMs: 60_000, settleMs: 10_000, onError: (e) => errors.push(e) });
    const run = schedule.runNow();
    await sleep(20);
    const started = performance.now();
    await schedule.stop();
    expect(await run).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(errors).toEqual([]);
  });
});
