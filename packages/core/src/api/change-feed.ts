/**
 * In-process notifications that a repository's tags or manifests changed, for caches built on
 * top of storage (the management API's repository index). Unlike the event hooks, listeners
 * here are core's own and synchronous; they must be cheap (mark something stale) and never throw.
 * @module
 */
export type ChangeListener = (repository: string) => void;

export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();

  /** Listen; returns the function that stops listening. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tell every listener that `repository` changed. */
  notify(repository: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(repository);
      } catch {
        // a cache that cannot mark itself stale must not fail the write that changed storage
      }
    }
  }
}
