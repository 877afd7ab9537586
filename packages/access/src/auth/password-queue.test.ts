import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';
import { PasswordQueue, PasswordQueueFullError } from './password-queue.js';

/** A task that runs until released, recording how many run at once. */
function tasks() {
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const task = () => async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    return 'done';
  };
  const releaseAll = async () => {
    while (releases.length) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { task, releaseAll, peak: () => peak };
}

describe('PasswordQueue', () => {
  it('should run at most `concurrency` tasks at once and the rest in turn', async () => {
    const queue = new PasswordQueue({ concurrency: 2, maxWaiting: 10 });
    const t = tasks();
    const all = Promise.all(Array.from({ length: 7 }, () => queue.run(t.task(), { bounded: true })));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(5);
    await t.releaseAll();
    expect(await all).toEqual(Array(7).fill('done'));
    expect(t.peak()).toBe(2);
    expect(queue.running).toBe(0);
  });

  it('should refuse a password check at once when maxWaiting are waiting', async () => {
    const queue = new PasswordQueue({ concurrency: 1, maxWaiting: 2 });
    const t = tasks();
    const admitted = [
      queue.run(t.task(), { bounded: true }),
      queue.run(t.task(), { bounded: true }),
      queue.run(t.task(), { bounded: true }),
    ];
    await expect(queue.run(t.task(), { bounded: true })).rejects.toMatchObject({ name: 'PasswordQueueFullError', retryAfterSeconds: 1 });
    expect(queue.waiting).toBe(2);
    // New hashes (authenticated callers) wait however full it is.
    const unbounded = queue.run(t.task());
    expect(queue.waiting).toBe(3);
    await t.releaseAll();
    await Promise.all([...admitted, unbounded]);
  });

  it('should take no place for a task whose admission throws', async () => {
    const queue = new PasswordQueue({ concurrency: 1, maxWaiting: 0 });
    let ran = false;
    const refused = queue.run(async () => (ran = true), {
      bounded: true,
      admit: () => {
        throw new Error('locked');
      },
    });
    await expect(refused).rejects.toThrow('locked');
    expect(ran).toBe(false);
    expect(queue.running).toBe(0);
    expect(await queue.run(async () => 'next', { bounded: true })).toBe('next');
  });

  it('should send password checks, also for unknown users, through the queue', async () => {
    const queue = new PasswordQueue({ concurrency: 1, maxWaiting: 0 });
    const stored = await hashPassword('correct horse', 10, queue);
    const t = tasks();
    const busy = queue.run(t.task());
    await expect(verifyPassword('correct horse', stored, 10, { queue })).rejects.toBeInstanceOf(PasswordQueueFullError);
    await expect(verifyPassword('guess', null, 10, { queue })).rejects.toBeInstanceOf(PasswordQueueFullError);
    await t.releaseAll();
    await busy;
    expect(await verifyPassword('correct horse', stored, 10, { queue })).toBe(true);
    expect(await verifyPassword('guess', null, 10, { queue })).toBe(false);
  });

  it('should not deadlock when the dummy hash is made inside a turn of a one-slot queue', async () => {
    const queue = new PasswordQueue({ concurrency: 1, maxWaiting: 4 });
    const results = await Promise.all([verifyPassword('a', null, 9, { queue }), verifyPassword('b', null, 9, { queue })]);
    expect(results).toEqual([false, false]);
  });
});
