/**
 * An in-memory index of repositories for listings: names, tag counts and times.
 *
 * Storage has no index (a repository is a directory), so listing 10 000 repositories sorted
 * by update time would otherwise read every tag of every repository on each request. The index
 * reads them once, then keeps itself current two ways: this process's own writes mark entries
 * stale at once (the API's change feed), and entries older than `maxAgeMs` are refreshed in the
 * background while the old value is served (other processes sharing the storage are seen
 * within that time). Deleted repositories disappear when the name list is refreshed.
 * @module
 */
import { listRepositories } from '../api/catalog.js';
import type { RegistryApi } from '../api/registry-api.js';
import { readTagRecords } from './tag-records.js';

export interface RepositorySummary {
  readonly name: string;
  readonly tagCount: number;
  /** The oldest tag's creation time; `null` without tags (or times). */
  readonly createdAt: string | null;
  /** The latest time a tag was created or moved; `null` as above. */
  readonly updatedAt: string | null;
}

export interface RepositoryIndexOptions {
  /** How long a name list or summary is served before it is refreshed in the background (default 10 s). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

interface Entry {
  summary: RepositorySummary;
  at: number;
  /** Marked by a write in this process: recompute before serving. */
  dirty: boolean;
}

/** Summaries computed at once, at most. */
const CONCURRENCY = 16;

export class RepositoryIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #refreshing = new Set<string>();
  readonly #maxAge: number;
  readonly #now: () => number;
  #names: { list: string[]; at: number } | undefined;
  #namesLoading: Promise<string[]> | undefined;

  constructor(
    private readonly api: RegistryApi,
    options: RepositoryIndexOptions = {},
  ) {
    this.#maxAge = options.maxAgeMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    api.changes.subscribe((name) => this.invalidate(name));
  }

  /** Mark a repository as changed: its next use recomputes it, and the name list is reloaded. */
  invalidate(name: string): void {
    const entry = this.#entries.get(name);
    if (entry) entry.dirty = true;
    else this.#names = undefined;
  }

  /** Forget a repository at once (it was deleted in this process). */
  forget(name: string): void {
    this.#entries.delete(name);
    if (this.#names) this.#names = { ...this.#names, list: this.#names.list.filter((n) => n !== name) };
  }

  /** Repository names, sorted; `prefix` keeps the prefix itself and names below it. */
  async names(prefix?: string): Promise<string[]> {
    const all = await this.#allNames();
    if (!prefix) return all;
    return all.filter((n) => n === prefix || n.startsWith(`${prefix}/`));
  }

  /** Summaries of `names` (computed when missing or changed here; refreshed in the background when old). */
  async summaries(names: readonly string[]): Promise<RepositorySummary[]> {
    const now = this.#now();
    const missing = names.filter((n) => {
      const e = this.#entries.get(n);
      return !e || e.dirty;
    });
    await this.#compute(missing);
    for (const n of names) {
      const e = this.#entries.get(n);
      if (e && now - e.at > this.#maxAge) this.#refreshInBackground(n);
    }
    return names.map((n) => this.#entries.get(n)?.summary).filter((s): s is RepositorySummary => s !== undefined);
  }

  async #allNames(): Promise<string[]> {
    const now = this.#now();
    if (this.#names && now - this.#names.at <= this.#maxAge) return this.#names.list;
    if (this.#names) {
      // Serve the old list and reload it behind.
      void this.#loadNames().catch(() => {});
      return this.#names.list;
    }
    return this.#loadNames();
  }

  #loadNames(): Promise<string[]> {
    this.#namesLoading ??= listRepositories(this.api.options.storage)
      .then((list) => {
        this.#names = { list, at: this.#now() };
        const known = new Set(list);
        for (const name of this.#entries.keys()) if (!known.has(name)) this.#entries.delete(name);
        return list;
      })
      .finally(() => {
        this.#namesLoading = undefined;
      });
    return this.#namesLoading;
  }

  async #compute(names: readonly string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++] as string;
        const summary = await summarize(this.api, name).catch(() => null);
        if (summary) this.#entries.set(name, { summary, at: this.#now(), dirty: false });
        else this.#entries.delete(name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
  }

  #refreshInBackground(name: string): void {
    if (this.#refreshing.has(name)) return;
    this.#refreshing.add(name);
    void this.#compute([name]).finally(() => this.#refreshing.delete(name));
  }
}

/** Read one repository's summary from storage. */
export async function summarize(api: RegistryApi, name: string): Promise<RepositorySummary> {
  const tags = await readTagRecords(api, name);
  let createdAt: string | null = null;
  let updatedAt: string | null = null;
  for (const t of tags) {
    if (t.createdAt && (createdAt === null || t.createdAt < createdAt)) createdAt = t.createdAt;
    if (t.updatedAt && (updatedAt === null || t.updatedAt > updatedAt)) updatedAt = t.updatedAt;
  }
  return { name, tagCount: tags.length, createdAt, updatedAt };
}
