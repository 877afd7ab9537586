import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pathFor } from '../storage/paths.js';
import { pushBlob } from '../test-support/fixtures.js';
import { HOUR, T0, testbed } from '../test-support/gc-testbed.js';
import { collectGarbage } from './collector.js';
import { GcLock, GcLockedError, GcLockLostError } from './lock.js';
import { listOrEmpty } from '../storage/not-found.js';

describe('GcLock', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = T0;
  });

  it('should refuse a live lock of another run, take over a stale one, and release only its own', async () => {
    const driver = guard(new MemoryStorage());
    const a = new GcLock(driver, 'run-a', { ttlMs: 60_000, now });
    await a.acquire();
    await a.confirm();
    const b = new GcLock(driver, 'run-b', { ttlMs: 60_000, now });
    await expect(b.acquire()).rejects.toBeInstanceOf(GcLockedError);
    clock += 61_000;
    await b.acquire();
    await expect(a.confirm()).rejects.toBeInstanceOf(GcLockLostError);
    await a.release();
    expect((await b.read())?.run).toBe('run-b');
    await b.release();
    expect(await b.read()).toBeNull();
  });

  it('should let the later of two racing writers win', async () => {
    const driver = guard(new MemoryStorage());
    const a = new GcLock(driver, 'run-a', { now });
    const b = new GcLock(driver, 'run-b', { now });
    await Promise.all([a.acquire(), b.acquire()]);
    const results = await Promise.allSettled([a.confirm(), b.confirm()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('should consider itself lost when it could not renew in time', async () => {
    const driver = guard(new MemoryStorage());
    const a = new GcLock(driver, 'run-a', { ttlMs: 60_000, now });
    await a.acquire();
    clock += 50_000;
    await expect(a.confirm()).rejects.toThrow(/not renewed in time/);
  });

  it('should renew in the background', async () => {
    const driver = guard(new MemoryStorage());
    const a = new GcLock(driver, 'run-a', { ttlMs: 60 });
    await a.acquire();
    const first = (await a.read())?.expiresAt;
    a.startRenewing();
    await new Promise((r) => setTimeout(r, 100));
    expect((await a.read())?.expiresAt).not.toBe(first);
    await a.confirm();
    await a.release();
  });
});

describe('collectGarbage and the lock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should not run while another collection holds the lock, and change nothing', async () => {
    const t = testbed();
    const blob = await pushBlob(t.app, 'team/app');
    t.at(T0 + 2 * HOUR);
    await new GcLock(t.storage, 'other-run').acquire();
    await expect(t.gc()).rejects.toBeInstanceOf(GcLockedError);
    expect(await t.has(t.blobPath(blob.digest))).toBe(true);
    expect(await listOrEmpty(t.storage, pathFor({ kind: 'gcRunningDir' }))).toEqual([]);
  });

  it('should take over a stale lock, and leave no lock or marker (its own or a crashed run’s) behind', async () => {
    const t = testbed();
    await new GcLock(t.storage, 'crashed-run').acquire();
    await t.storage.putContent(pathFor({ kind: 'gcRunning', run: 'crashed-run' }), new Uint8Array([1]));
    t.at(T0 + HOUR);
    const report = await t.gc();
    expect(report.run).toMatch(/^\d+-[0-9a-f]{8}$/);
    expect(await t.has(pathFor({ kind: 'gcLock' }))).toBe(false);
    expect(await t.has(pathFor({ kind: 'gcRunningDir' }))).toBe(false);
  });

  it('should run one of two concurrent collections and refuse the other', async () => {
    const t = testbed();
    const results = await Promise.allSettled([
      collectGarbage(t.storage, { settleMs: 30, recheckDelayMs: 0 }),
      collectGarbage(t.storage, { settleMs: 30, recheckDelayMs: 0 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason instanceof GcLockedError || failure.reason instanceof GcLockLostError).toBe(true);
  });

  it('should stop when aborted, and clean up', async () => {
    const t = testbed();
    const abort = new AbortController();
    const running = collectGarbage(t.storage, { settleMs: 5_000, signal: abort.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.has(pathFor({ kind: 'gcRunningDir' }))).toBe(true);
    abort.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    expect(await t.has(pathFor({ kind: 'gcRunningDir' }))).toBe(false);
    expect(await t.has(pathFor({ kind: 'gcLock' }))).toBe(false);
  });
});
