/**
 * The tag records of the few repositories looked at last, so paging, sorting and filtering a
 * repository of 10,000 tags does not read 10,000 tag files on every page (on a disk that is
 * about 200 ms a page; from memory a few ms).
 *
 * The same freshness as the repository index: a write in this process (the API's change feed)
 * drops the repository's records at once, and records older than `maxAgeMs` are read again, so
 * a push through another process sharing the storage is seen within that time.
 * @module
 */
import type { RegistryApi } from '../api/registry-api.js';
import { readTagRecords, type TagRecord } from './tag-records.js';

export interface TagRecordCacheOptions {
  /** How long records are served before they are read again (default 10 s, as the index). */
  readonly maxAgeMs?: number;
  /** Repositories kept (default 64, above the 20 rows of a listing page, whose sizes read them): the ones looked at last. */
  readonly capacity?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly at: number;
  readonly records: Promise<TagRecord[]>;
}

export class TagRecordCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAge: number;
  readonly #capacity: number;
  readonly #now: () => number;

  constructor(
    private readonly api: RegistryApi,
    options: TagRecordCacheOptions = {},
  ) {
    this.#maxAge = options.maxAgeMs ?? 10_000;
    this.#capacity = Math.max(1, options.capacity ?? 64);
    this.#now = options.now ?? Date.now;
    api.changes.subscribe((name) => this.#entries.delete(name));
  }

  /**
   * Every tag of `repository`, in lexical order of names (do not modify the array).
   * @throws RegistryError NAME_UNKNOWN when the repository does not exist (not cached).
   */
  records(repository: string): Promise<TagRecord[]> {
    const now = this.#now();
    const entry = this.#entries.get(repository);
    this.#entries.delete(repository);
    if (entry && now - entry.at < this.#maxAge) {
      this.#entries.set(repository, entry); // most recent last
      return entry.records;
    }
    const records = readTagRecords(this.api, repository);
    const fresh: Entry = { at: now, records };
    this.#entries.set(repository, fresh);
    // A failed read is not kept; nor is one a write made stale while it ran (its entry is gone).
    records.catch(() => {
      if (this.#entries.get(repository) === fresh) this.#entries.delete(repository);
    });
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return records;
  }
}
