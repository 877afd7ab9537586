/**
 * The content-addressable blob store shared by every repository. Blobs get in only through
 * {@link BlobStore.adopt}, which takes a committed upload whose digest was verified, so
 * whatever is at a blob path is complete and matches its name.
 * @module
 */
import { parseDigest, type Digest } from '../digest.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { pathFor } from '../storage/paths.js';
import { limitStream } from '../streams.js';

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
}

export class BlobStore {
  constructor(private readonly driver: StorageDriver) {}

  /** Size of a stored blob, or `null` when absent. */
  async stat(digest: Digest): Promise<BlobInfo | null> {
    try {
      const info = await this.driver.stat(pathFor({ kind: 'blob', digest }));
      return { digest: digest.value, size: info.size };
    } catch (error) {
      if (error instanceof PathNotFoundError) return null;
      throw error;
    }
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
   * Move a committed, verified upload into the store. When the blob already exists the upload's
   * copy is deleted instead, which avoids rewriting identical bytes.
   */
  async adopt(committedPath: string, digest: Digest): Promise<void> {
    if (await this.stat(digest)) {
      await this.driver.delete(committedPath).catch(ignoreNotFound);
      return;
    }
    await this.driver.move(committedPath, pathFor({ kind: 'blob', digest }));
  }

  /** Remove a blob from the store (garbage collection only). */
  async delete(digest: Digest): Promise<void> {
    await this.driver.delete(pathFor({ kind: 'blob', digest })).catch(ignoreNotFound);
  }
}

/** Swallow PathNotFoundError: "already gone" is success for deletes. */
export function ignoreNotFound(error: unknown): void {
  if (!(error instanceof PathNotFoundError)) throw error;
}

/** Parse a digest that came from storage (links); throws a plain error when corrupt. */
export function storedDigest(value: string): Digest {
  return parseDigest(value.trim());
}
