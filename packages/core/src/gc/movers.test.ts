import { describe, expect, it } from 'vitest';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pathFor } from '../storage/paths.js';
import { createRegistry } from '../registry.js';
import { pushImage } from '../test-support/fixtures.js';
import { collectGarbage, GcAbortedError } from './collector.js';
import { asMover, MOVER_STALE_MS } from './movers.js';

const fast = { settleMs: 0, recheckDelayMs: 0 };

describe('movers and collections', () => {
  it('should refuse to move while a collection runs, with 503 UNAVAILABLE', async () => {
    const driver = guard(new MemoryStorage());
    await driver.putContent(pathFor({ kind: 'gcRunning', run: 'r' }), new Uint8Array([1]));
    let ran = false;
    await expect(asMover(driver, 'renaming a to b', async () => (ran = true))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(ran).toBe(false);
    await expect(driver.stat(pathFor({ kind: 'gcMoversDir' }))).rejects.toThrow();
  });

  it('should make a collection wait for a running move before it marks', async () => {
    const driver = guard(new MemoryStorage());
    const order: string[] = [];
    let release = () => {};
    const moving = asMover(driver, 'renaming a to b', async () => {
      order.push('move started');
      await new Promise<void>((r) => {
        release = r;
      });
      order.push('move finished');
    });
    await new Promise((r) => setTimeout(r, 10));
    const collecting = collectGarbage(driver, {
      ...fast,
      onProgress: (p) => {
        if (p.phase === 'mark' && !order.includes('mark')) order.push('mark');
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([moving, collecting]);
    expect(order).toEqual(['move started', 'move finished', 'mark']);
  });

  it('should give up when a move outlasts the timeout, and leave nothing behind', async () => {
    const driver = guard(new MemoryStorage());
    let release = () => {};
    const moving = asMover(driver, 'renaming a to b', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 10));
    await expect(collectGarbage(driver, { ...fast, moverTimeoutMs: 30 })).rejects.toBeInstanceOf(GcAbortedError);
    await expect(driver.stat(pathFor({ kind: 'gcRunningDir' }))).rejects.toThrow();
    await expect(driver.stat(pathFor({ kind: 'gcLock' }))).rejects.toThrow();
    release();
    await moving;
  });

  it('should ignore the record of a move that crashed long ago', async () => {
    const driver = guard(new MemoryStorage());
    const startedAt = new Date(Date.now() - MOVER_STALE_MS - 1000).toISOString();
    await driver.putContent(pathFor({ kind: 'gcMover', id: 'dead' }), new TextEncoder().encode(JSON.stringify({ what: 'renaming x', startedAt })));
    await collectGarbage(driver, { ...fast, moverTimeoutMs: 10 });
  });
});

describe('repository rename and collections', () => {
  it('should refuse a rename while a collection runs, and rename once it is over', async () => {
    const storage = guard(new MemoryStorage());
    const registry = createRegistry({ storage });
    await pushImage(registry.app, 'team/app', 'v1');
    const marker = pathFor({ kind: 'gcRunning', run: 'r' });
    await storage.putContent(marker, new Uint8Array([1]));
    await expect(registry.management.renameRepository('team/app', 'team/new')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await registry.app.request('/v2/team/app/manifests/v1')).status).toBe(200);
    await storage.delete(marker);
    await registry.management.renameRepository('team/app', 'team/new');
    expect((await registry.app.request('/v2/team/new/manifests/v1')).status).toBe(200);
  });
});
