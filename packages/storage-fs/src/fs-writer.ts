/**
 * The resumable writer of {@link FsStorage}.
 *
 * Bytes go to `<target>#partial` beside the target, which `list` never shows. Small chunks
 * (HTTP bodies arrive in 16–64 KiB pieces) are coalesced into 1 MiB writes; large chunks are
 * written as they are. Nothing is fsynced per chunk. `close()` hands the bytes to the kernel,
 * so they survive a crash of the process (the contract's promise) but not necessarily a power
 * loss; `commit()` fsyncs the file, renames it over the target (atomic) and fsyncs the directory
 * so the new name survives too.
 *
 * Why `close()` does not fsync: a registry upload is only a promise of bytes until the closing
 * PUT verifies its digest, and a client that lost its connection asks for the upload's size
 * again (GET, `Range`) before it resumes, and that size is read from the partial file itself. After a
 * power loss the file is at worst shorter than the client was told, and a resumed upload whose
 * bytes were lost fails the digest check instead of publishing anything wrong. An fsync per
 * PATCH would make every chunk of a chunked push wait for the disk.
 *
 * Why the background syncs: an fsync of a large file at commit waits for every dirty page at
 * once (measured: ~0.4 s for 256 MiB here). Starting an fdatasync every {@link SYNC_EVERY}
 * bytes, without awaiting it, lets the disk work while the network delivers the next bytes, so
 * the final fsync flushes only the tail.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PathNotFoundError, StorageError, type FileWriter } from '@wharf/core/storage';
import { codeOf, fsyncDir, isMissing, pruneEmptyDirs, writeFully } from './fs-helpers.js';

/** Size of the coalescing buffer. */
const BUFFER_SIZE = 1 << 20;
/**
 * Coalescing buffers kept for the next writer. A push of many small blobs opens a writer per
 * blob; allocating a fresh 1 MiB buffer each time showed up as garbage-collector time.
 */
const bufferPool: Buffer[] = [];
const POOL_LIMIT = 8;
/** Chunks at least this large skip the buffer: copying them would not save a system call. */
const DIRECT_WRITE = 256 << 10;
/** Bytes written between background fdatasyncs (see the module doc). */
const SYNC_EVERY = 32 << 20;

/** What a writer needs to know about where it writes. */
export interface FsWriterTarget {
  /** The storage path, for errors. */
  readonly path: string;
  /** Absolute file path of the target. */
  readonly file: string;
  /** Absolute file path of the partial file. */
  readonly partial: string;
  /** The storage root, where pruning of empty directories stops. */
  readonly root: string;
  readonly fsync: boolean;
}

type State = 'open' | 'closed' | 'committed' | 'cancelled' | 'failed';

/** A {@link FileWriter} appending to a partial file; see the module doc. */
export class FsWriter implements FileWriter {
  #size: number;
  #buffer: Buffer | undefined;
  #buffered = 0;
  #state: State = 'open';
  #handleOpen = true;
  #unsynced = 0;
  /** A background fdatasync in flight; it never rejects (its error is kept in #syncError). */
  #syncing: Promise<void> | undefined;
  #syncError: unknown;

  constructor(
    private readonly target: FsWriterTarget,
    private readonly handle: FileHandle,
    size: number,
    private readonly signal?: AbortSignal,
  ) {
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#usable();
    await this.#io(async () => {
      if (this.#buffered + chunk.byteLength > BUFFER_SIZE || chunk.byteLength >= DIRECT_WRITE) await this.#flush();
      if (chunk.byteLength >= DIRECT_WRITE) {
        await writeFully(this.handle, chunk);
        this.#wrote(chunk.byteLength);
      } else {
        this.#buffer ??= bufferPool.pop() ?? Buffer.allocUnsafeSlow(BUFFER_SIZE);
        this.#buffer.set(chunk, this.#buffered);
        this.#buffered += chunk.byteLength;
      }
      this.#size += chunk.byteLength;
    });
  }

  async close(): Promise<void> {
    this.#usable();
    await this.#io(() => this.#finishFile(false));
    this.#state = 'closed';
  }

  async commit(): Promise<void> {
    this.#usable();
    await this.#io(async () => {
      await this.#finishFile(this.target.fsync);
      try {
        await rename(this.target.partial, this.target.file);
      } catch (error) {
        if (codeOf(error) === 'ENOENT') throw new PathNotFoundError(this.target.path);
        throw new StorageError(`cannot commit ${this.target.path}: ${codeOf(error) ?? error}`, 'filesystem', { cause: error });
      }
      if (this.target.fsync) await fsyncDir(dirname(this.target.file));
    });
    this.#state = 'committed';
  }

  async cancel(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'cancelled') return;
    this.#state = 'cancelled';
    this.#releaseBuffer();
    await this.#syncing;
    await this.#closeHandle().catch(() => {});
    try {
      await unlink(this.target.partial);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await pruneEmptyDirs(this.target.root, dirname(this.target.partial), false);
  }

  #usable(): void {
    this.signal?.throwIfAborted();
    if (this.#state !== 'open') throw new StorageError(`writer for ${this.target.path} is ${this.#state}`, 'filesystem');
  }

  /** Run an I/O step; after a failure the writer only accepts `cancel()` (its size would lie). */
  async #io(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#state = 'failed';
      await this.#syncing;
      await this.#closeHandle().catch(() => {});
      throw error;
    }
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0 || !this.#buffer) return;
    await writeFully(this.handle, this.#buffer.subarray(0, this.#buffered));
    this.#wrote(this.#buffered);
    this.#buffered = 0;
  }

  /** Give the coalescing buffer back to the pool; only called when no write uses it. */
  #releaseBuffer(): void {
    if (this.#buffer && bufferPool.length < POOL_LIMIT) bufferPool.push(this.#buffer);
    this.#buffer = undefined;
    this.#buffered = 0;
  }

  /** Count written bytes; start a background fdatasync when enough have piled up. */
  #wrote(bytes: number): void {
    if (!this.target.fsync) return;
    this.#unsynced += bytes;
    if (this.#unsynced < SYNC_EVERY || this.#syncing) return;
    this.#unsynced = 0;
    this.#syncing = this.handle.datasync().then(
      () => {
        this.#syncing = undefined;
      },
      (error: unknown) => {
        this.#syncing = undefined;
        this.#syncError ??= error;
      },
    );
  }

  /** Flush and close the partial file, fsyncing it first when `durable`. */
  async #finishFile(durable: boolean): Promise<void> {
    await this.#flush();
    this.#releaseBuffer();
    await this.#syncing;
    // A failed background sync means pages may be lost: the file cannot be trusted to commit.
    if (this.#syncError) throw this.#syncError;
    // fdatasync is enough: it also flushes the file size, which is all the metadata we need.
    // The partial file's own directory entry needs no fsync: commit renames it and fsyncs the
    // target's directory, and an upload that loses its partial file to a power loss restarts.
    if (durable) await this.handle.datasync();
    await this.#closeHandle();
  }

  async #closeHandle(): Promise<void> {
    if (!this.#handleOpen) return;
    this.#handleOpen = false;
    await this.handle.close();
  }
}
