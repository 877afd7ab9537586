/**
 * Long tasks that let other requests run. A chain of awaits on storage calls that answer
 * without real I/O (the memory driver, FsStorage's synchronous reads) never gives the event
 * loop a turn: thousands of them in a row stall every other client. These helpers bound how
 * much runs at once and yield every few milliseconds.
 * @module
 */

/** Longest stretch of work between two yields to the event loop, in milliseconds. */
export const SLICE_MS = 5;

/**
 * Resolve after the event loop has had a turn: pending I/O callbacks (other requests) run
 * first. Uses `setImmediate` where the runtime has it (Node, Bun), else a zero timeout.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** Yields to the event loop once `sliceMs` have passed since the last yield. */
export class Slicer {
  #start = performance.now();

  constructor(private readonly sliceMs: number = SLICE_MS) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.#start < this.sliceMs) return;
    await yieldToEventLoop();
    this.#start = performance.now();
  }
}

/**
 * `Promise.all(items.map(fn))` in order-preserving batches of `concurrency`, yielding to the
 * event loop between batches every few milliseconds.
 */
export async function mapInBatches<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const slicer = new Slicer();
  for (let at = 0; at < items.length; at += concurrency) {
    results.push(...(await Promise.all(items.slice(at, at + concurrency).map(fn))));
    await slicer.maybeYield();
  }
  return results;
}
