/**
 * The content-addressable blob store shared by every repository. Blobs get in only through
 * {@link BlobStore.adopt}, which takes a committed upload whose digest was verified, so
 * whatever is at a blob path is complete and matches its name.
 * @module
 */
import { parseDigest, type Digest } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import { NO_GC, touchExisting, type GcSignal } from './gc-signal.js';
import { FILE_ONLY, type StorageDriver } from '../storage/driver.js';
import { notFoundAs } from '../storage/not-found.js';
import { pathFor } from '../storage/paths.js';
import { limitStream } from '../streams.js';

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
}

/** How many blob sizes {@link BlobStore.seen} remembers (about 100 bytes each). */
const SEEN_SIZES = 10_000;

export class BlobStore {
  /** Sizes of blobs found in the store, oldest first; a digest's size never changes. */
  readonly #sizes = new Map<string, number>();

  /** @param gc tells whether a garbage collection may be running (see gc/protocol.ts). */
  constructor(
    private readonly driver: StorageDriver,
    private readonly gc?: GcSignal,
  ) {}

  /** Size of a stored blob, or `null` when absent. */
  async stat(digest: Digest): Promise<BlobInfo | null> {
    const info = await this.driver.stat(pathFor({ kind: 'blob', digest }), FILE_ONLY).catch(notFoundAs(null));
    if (!info) return null;
    this.#remember(digest.value, info.size);
    return { digest: digest.value, size: info.size };
  }

  /**
   * The size of a blob this process found in the store before, without asking the store: it
   * may have been deleted since (by a collection in another process), so only a caller that
   * reads the blob next, and treats "not found" then as absent, may rely on it.
   */
  seen(digest: Digest): BlobInfo | null {
    const size = this.#sizes.get(digest.value);
    return size === undefined ? null : { digest: digest.value, size };
  }

  /** Drop what {@link seen} knows about a blob (it turned out to be gone). */
  forget(digest: Digest): void {
    this.#sizes.delete(digest.value);
  }

  #remember(digest: string, size: number): void {
    if (this.#sizes.has(digest)) return;
    if (this.#sizes.size >= SEEN_SIZES) this.#sizes.delete(this.#sizes.keys().next().value!);
    this.#sizes.set(digest, size);
  }

  /**
   * Stream a blob, or a range of it.
   * @param range inclusive byte range, already checked against the size.
   * @throws PathNotFoundError when absent.
   */
  async open(digest: Digest, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>> {
    const path = pathFor({ kind: 'blob', digest });
    if (!range) return this.driver.reader(path, 0);
    const stream = await this.driver.reader(path, range.start);
    return limitStream(stream, range.end - range.start + 1);
  }

  /** A presigned URL for the blob when the driver offers one. */
  async redirectURL(digest: Digest, method: 'GET' | 'HEAD'): Promise<string | null> {
    if (!this.driver.redirectURL) return null;
    return this.driver.redirectURL(pathFor({ kind: 'blob', digest }), { method });
  }

  /**
   * Move a committed, verified upload into the store, then `publish` it (link it into the
   * repository). When the blob already exists the upload's copy is deleted instead, which
   * avoids rewriting identical bytes. While a garbage collection may run, the existing blob is
   * touched (or, when the collection just took it, replaced by this copy), and a copy moved in
   * is touched first, since its `modTime` is its last write (see gc/protocol.ts).
   * @throws RegistryError BLOB_UPLOAD_INVALID when a collection that started during a slow
   *   publish took the blob and this copy is gone (the client uploads again).
   */
  async adopt(committedPath: string, digest: Digest, publish: () => Promise<void> = async () => {}): Promise<void> {
    const target = pathFor({ kind: 'blob', digest });
    const gc = this.gc ? await this.gc.observe() : NO_GC;
    const reused = gc.active ? await touchExisting(this.driver, target, gc.runs) : (await this.stat(digest)) !== null;
    if (!reused) {
      if (gc.active) await this.driver.touch(committedPath);
      await this.driver.move(committedPath, target);
    }
    await publish();
    if (this.gc?.outlived(gc) && !(await touchExisting(this.driver, target, (await this.gc.observe()).runs))) {
      if (!reused) {
        throw new RegistryError('BLOB_UPLOAD_INVALID', `blob ${digest.value} was garbage collected while it was being stored: upload it again`);
      }
      await this.driver.touch(committedPath);
      await this.driver.move(committedPath, target);
      return;
    }
    if (reused) await this.driver.delete(committedPath).catch(notFoundAs(undefined));
  }

  /**
   * Publish a blob the caller found stored somewhere new (a mount's link), keeping it safe from
   * a running garbage collection: touched before `publish`, and again after a slow one.
   * @returns false when the blob is gone (the caller falls back to an upload).
   */
  async reuse(digest: Digest, publish: () => Promise<void>): Promise<boolean> {
    const target = pathFor({ kind: 'blob', digest });
    const gc = this.gc ? await this.gc.observe() : NO_GC;
    if (gc.active && !(await touchExisting(this.driver, target, gc.runs))) return false;
    await publish();
    return !this.gc?.outlived(gc) || touchExisting(this.driver, target, (await this.gc.observe()).runs);
  }

  /** Remove a blob from the store (garbage collection only). */
  async delete(digest: Digest): Promise<void> {
    this.forget(digest);
    await this.driver.delete(pathFor({ kind: 'blob', digest })).catch(notFoundAs(undefined));
  }
}

/** Parse a digest that came from storage (links); throws a plain error when corrupt. */
export function storedDigest(value: string): Digest {
  return parseDigest(value.trim());
}
