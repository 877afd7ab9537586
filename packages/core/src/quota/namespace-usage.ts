/**
 * What a namespace stores, counted from storage each time: the distinct digests linked as blobs
 * (`_layers`) or stored as manifests (`_manifests/revisions`) in every repository of the
 * namespace, with or without tags or manifests, and their sizes.
 *
 * Nothing about *which* digests a namespace holds is cached: another process may have pushed or
 * deleted a moment ago, and the links in storage are the only truth every process shares. What
 * is cached is each digest's size, which never changes (content addressing), so a recount lists
 * directories (a few per repository) and stats only digests this process has not met yet.
 * @module
 */
import { tryParseDigest, type Digest } from '../digest.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { decodeLink } from '../manifests/manifest-link.js';
import type { StorageDriver } from '../storage/driver.js';
import { listOrEmpty, notFoundAs } from '../storage/not-found.js';
import { baseName, pathFor } from '../storage/paths.js';

/** Digest sizes remembered (about 100 bytes each); beyond it the oldest are dropped. */
const SIZE_CACHE_LIMIT = 200_000;
/** Directory listings and size lookups in flight at once during a count. */
const CONCURRENCY = 16;
/** Longest revision header read to learn a manifest's size. */
const HEADER_LIMIT = 64 * 1024;

/** Where a counted digest was found: a blob link, or a manifest revision of `repository`. */
type Source = { readonly kind: 'blob' } | { readonly kind: 'manifest'; readonly repository: string };

export class NamespaceUsage {
  readonly #sizes = new Map<string, number>();

  /**
   * @param namespaceOf the namespace of a repository.
   * @param prefixed whether a namespace is the first path component of its repositories (then
   *   only that subtree is walked; otherwise the whole repositories tree is).
   */
  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly namespaceOf: (repository: string) => string,
    private readonly prefixed: boolean,
  ) {}

  /** Remember a digest's size (a push that is being admitted knows it). */
  learn(digest: string, size: number): void {
    if (this.#sizes.has(digest)) return;
    if (this.#sizes.size >= SIZE_CACHE_LIMIT) this.#sizes.delete(this.#sizes.keys().next().value as string);
    this.#sizes.set(digest, size);
  }

  /**
   * Every distinct digest stored in the namespace's repositories, with its size. A link whose
   * blob is gone from the store (a collection is removing both) counts as 0 bytes.
   */
  async count(namespace: string): Promise<Map<string, number>> {
    const found = await this.#walk(namespace);
    const counted = new Map<string, number>();
    const unknown: Array<[string, Source]> = [];
    for (const [digest, source] of found) {
      const size = this.#sizes.get(digest);
      if (size === undefined) unknown.push([digest, source]);
      else counted.set(digest, size);
    }
    await bounded(unknown, async ([digest, source]) => {
      const size = await this.#lookUp(digest, source);
      if (size !== null) this.learn(digest, size);
      counted.set(digest, size ?? 0);
    });
    return counted;
  }

  /** Find the namespace's links and revisions: directory listings only, a few per repository. */
  async #walk(namespace: string): Promise<Map<string, Source>> {
    const found = new Map<string, Source>();
    type Task = { kind: 'repository'; name: string | null } | { kind: 'algorithms' | 'digests'; path: string; source: Source };
    await bounded<Task>([{ kind: 'repository', name: this.prefixed ? namespace : null }], async (task, more) => {
      if (task.kind === 'repository') {
        const dir = task.name === null ? pathFor({ kind: 'repositoriesRoot' }) : pathFor({ kind: 'repository', name: task.name });
        const mine = task.name !== null && this.namespaceOf(task.name) === namespace;
        for (const child of await listOrEmpty(this.driver, dir)) {
          const base = baseName(child);
          if (!base.startsWith('_')) more({ kind: 'repository', name: task.name === null ? base : `${task.name}/${base}` });
          else if (mine && base === '_layers') more({ kind: 'algorithms', path: child, source: { kind: 'blob' } });
          else if (mine && base === '_manifests') {
            more({ kind: 'algorithms', path: pathFor({ kind: 'revisionsDir', name: task.name as string }), source: { kind: 'manifest', repository: task.name as string } });
          }
        }
        return;
      }
      for (const child of await listOrEmpty(this.driver, task.path)) {
        if (task.kind === 'algorithms') {
          more({ kind: 'digests', path: child, source: task.source });
          continue;
        }
        const digest = `${baseName(task.path)}:${baseName(child)}`;
        // A blob link wins over a revision: its size is one stat, a revision's needs a read.
        if (!found.has(digest) || task.source.kind === 'blob') found.set(digest, task.source);
      }
    });
    return found;
  }

  /** A digest's size from the store or its revision header; `null` when it is not there. */
  async #lookUp(value: string, source: Source): Promise<number | null> {
    const digest = tryParseDigest(value);
    if (!digest) return null;
    if (source.kind === 'blob') return (await this.blobs.stat(digest))?.size ?? null;
    return this.#manifestSize(source.repository, digest);
  }

  /** Read just the revision's first line (its link), not the manifest bytes after it. */
  async #manifestSize(repository: string, digest: Digest): Promise<number | null> {
    const stream = await this.driver.reader(pathFor({ kind: 'revision', name: repository, digest }), 0).catch(notFoundAs(null));
    if (!stream) return null;
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const end = value.indexOf(0x0a);
        chunks.push(end < 0 ? value : value.subarray(0, end));
        length += end < 0 ? value.byteLength : end;
        if (end >= 0 || length > HEADER_LIMIT) break;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    const header = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      header.set(chunk, at);
      at += chunk.byteLength;
    }
    return decodeLink(header)?.size ?? null;
  }
}

/**
 * Run `work` over `items` and whatever it adds with `more`, at most {@link CONCURRENCY} at a
 * time (a tree listed all at once runs out of file descriptors). Rejects with the first error.
 */
function bounded<T>(items: readonly T[], work: (item: T, more: (item: T) => void) => Promise<void>): Promise<void> {
  const queue = [...items];
  let active = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      if (failed) return;
      if (queue.length === 0 && active === 0) {
        resolve();
        return;
      }
      while (active < CONCURRENCY && queue.length > 0) {
        const item = queue.pop() as T;
        active++;
        work(item, (next) => queue.push(next)).then(
          () => {
            active--;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
}
