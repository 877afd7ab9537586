import { describe, expect, it } from 'vitest';
import { BackgroundWork } from './background-work.js';

describe('BackgroundWork', () => {
  it('should wait for tracked work, failed work included, and resolve at once when idle', async () => {
    const work = new BackgroundWork();
    await work.settled();
    const order: string[] = [];
    void work.track(new Promise((resolve) => setTimeout(() => resolve(order.push('slow')), 30)));
    work.track(Promise.reject(new Error('gone'))).catch(() => order.push('failed'));
    await work.settled();
    expect(order).toContain('slow');
  });

  it('should return the tracked promise unchanged', async () => {
    const work = new BackgroundWork();
    await expect(work.track(Promise.resolve(42))).resolves.toBe(42);
  });
});
