/**
 * Work the management API starts and answers before it ends (repository deletions, garbage
 * collections started over HTTP), tracked so that a host shutting down can wait for it instead
 * of closing storage under it.
 * @module
 */
export class BackgroundWork {
  readonly #running = new Set<Promise<unknown>>();

  /** Track `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
    return work;
  }

  /** Resolves once every piece of work tracked so far (and any it started meanwhile) has settled; never rejects. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
