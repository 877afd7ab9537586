/**
 * The resumable writer of {@link FsStorage}.
 *
 * Bytes go to `<target>#partial` beside the target, which `list` never shows. Small chunks
 * (HTTP bodies arrive in 16–64 KiB pieces) are coalesced into 1 MiB writes; large chunks are
 * written as they are. Nothing is fsynced per chunk: `close()` fsyncs the partial file once so
 * it survives a crash, and `commit()` fsyncs it, renames it over the target (atomic) and
 * fsyncs the directory so the new name survives too.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PathNotFoundError, StorageError, type FileWriter } from '@wharf/core';
import { codeOf, fsyncDir, isMissing, pruneEmptyDirs, writeFully } from './fs-helpers.js';

/** Size of the coalescing buffer. */
const BUFFER_SIZE = 1 << 20;
/** Chunks at least this large skip the buffer: copying them would not save a system call. */
const DIRECT_WRITE = 256 << 10;

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

  /**
   * @param created true when the partial file was created by this writer, so its directory
   *   entry still has to be made durable.
   */
  constructor(
    private readonly target: FsWriterTarget,
    private readonly handle: FileHandle,
    size: number,
    private created: boolean,
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
      } else {
        this.#buffer ??= Buffer.allocUnsafeSlow(BUFFER_SIZE);
        this.#buffer.set(chunk, this.#buffered);
        this.#buffered += chunk.byteLength;
      }
      this.#size += chunk.byteLength;
    });
  }

  async close(): Promise<void> {
    this.#usable();
    await this.#io(async () => {
      await this.#finishFile();
      if (this.created && this.target.fsync) await fsyncDir(dirname(this.target.partial));
      this.created = false;
    });
    this.#state = 'closed';
  }

  async commit(): Promise<void> {
    this.#usable();
    await this.#io(async () => {
      await this.#finishFile();
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
    this.#buffer = undefined;
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
      await this.#closeHandle().catch(() => {});
      throw error;
    }
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0 || !this.#buffer) return;
    await writeFully(this.handle, this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
  }

  /** Flush, fsync and close the partial file. */
  async #finishFile(): Promise<void> {
    await this.#flush();
    this.#buffer = undefined;
    // fdatasync is enough: it also flushes the file size, which is all the metadata we need.
    if (this.target.fsync) await this.handle.datasync();
    await this.#closeHandle();
  }

  async #closeHandle(): Promise<void> {
    if (!this.#handleOpen) return;
    this.#handleOpen = false;
    await this.handle.close();
  }
}
