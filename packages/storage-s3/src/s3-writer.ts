/**
 * Resumable writers over multipart uploads.
 *
 * A writer buffers what it is given and, each time a part's worth (`partSize`) has come in,
 * uploads it as the next part of a multipart upload at its `data` key (s3-keys.ts), up to
 * `uploadConcurrency` parts at a time; `write` resolves once the chunk is copied, or when it
 * has to wait for a part slot. Nothing of this is visible at the target path.
 *
 * `close()` makes the upload resumable from any process: it waits for the parts in flight,
 * stores the buffered bytes (less than a part, which S3 would not take as a part) as a tail
 * object with a fresh name, then writes the state object (s3-writer-state.ts) naming the
 * upload, its parts and that tail. The state is the commit point: whatever a crash leaves
 * behind that no state names is deleted with the writer. A writer opened with `append` reads
 * the state (one GET; none at all when nothing changes) and fetches the tail only when it is
 * given more bytes. State writes are conditional (`If-None-Match: *` to create, `If-Match` to
 * replace), so two processes resuming the same upload at once cannot silently drop each
 * other's parts: the second `close()` fails.
 *
 * `commit()` puts whatever is buffered as the last part (or copies the stored tail in as the
 * last part, server side), completes the upload at the `data` key and copies the result to the
 * target key (a server-side copy; a metadata-only one on Ceph), then deletes the writer's keys.
 * Content smaller than a part that never went through `close()` is a single PUT instead.
 *
 * Reading the content back before commit (`reader(path, 0, { uncommitted: true })`) needs the
 * parts' bytes, which S3 does not serve until the upload is completed; so the first such read
 * completes the upload at the `data` key (still invisible at the target) and records it as the
 * `base` of the content. A later append starts a new upload there whose first parts are
 * server-side copies of that base.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { StorageError, type FileWriter } from '@wharf/core/storage';
import { MAX_PART_SIZE, MAX_PARTS } from './s3-options.js';
import type { Part } from './s3-ops.js';
import type { WriterState } from './s3-writer-state.js';
import { discardWriter, loadState, saveState, type LoadedState, type WriterTarget } from './s3-writer-store.js';

/** Open a writer, resuming the stored state when appending and discarding it otherwise. */
export async function openWriter(target: WriterTarget, append: boolean, partSize: number, concurrency: number): Promise<S3Writer> {
  let loaded = await loadState(target.ops, target.keys, target.signal);
  if (loaded && !append) {
    await discardWriter(target.ops, target.keys, target.signal);
    loaded = null;
  }
  return new S3Writer(target, loaded, partSize, concurrency);
}

const concat = (chunks: readonly Buffer[]): Buffer => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));

export class S3Writer implements FileWriter {
  #status: 'open' | 'closed' | 'done' = 'open';
  #size: number;
  /** Changed since the state was last stored (or loaded). */
  #dirty = false;
  /** The stored state's ETag, when there is one. */
  #stateEtag: string | undefined;
  /** Stored pieces not yet taken into this writer's buffer or upload (see `#prepare`). */
  #base: number | undefined;
  #remoteTail: { id: string; size: number } | undefined;
  #prepared = false;
  #uploadId: string | undefined;
  #parts: Part[];
  #nextPart: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #inflight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  /** Keys that the next stored state (or the commit) leaves unreferenced. */
  #stale = new Set<string>();

  constructor(
    private readonly target: WriterTarget,
    loaded: LoadedState | null,
    private readonly partSize: number,
    private readonly concurrency: number,
  ) {
    const state = loaded?.state;
    this.#stateEtag = loaded?.etag;
    this.#size = state?.size ?? 0;
    this.#base = state?.base?.size;
    this.#remoteTail = state?.tail ? { ...state.tail } : undefined;
    this.#uploadId = state?.upload?.id;
    this.#parts = state?.upload ? [...state.upload.parts] : [];
    this.#nextPart = this.#parts.length + 1;
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#usable();
    if (chunk.byteLength === 0) return;
    if (!this.#prepared) await this.#prepare();
    // Copy: the caller may reuse its buffer once we resolve.
    this.#chunks.push(Buffer.from(chunk));
    this.#buffered += chunk.byteLength;
    this.#size += chunk.byteLength;
    this.#dirty = true;
    while (this.#buffered >= this.partSize) await this.#dispatch(this.#take(this.partSize));
  }

  async close(): Promise<void> {
    this.#usable();
    this.#status = 'closed';
    await this.#drain();
    if (!this.#dirty) return;
    const { ops, keys, signal, path } = this.target;
    let tail = this.#remoteTail;
    if (this.#buffered > 0) {
      tail = { id: randomBytes(8).toString('hex'), size: this.#buffered };
      await ops.put(keys.tail(tail.id), concat(this.#chunks), signal, { ifNoneMatch: '*' });
    }
    const state: WriterState = {
      v: 1,
      size: this.#size,
      ...(this.#base !== undefined ? { base: { size: this.#base } } : {}),
      ...(this.#uploadId ? { upload: { id: this.#uploadId, parts: this.#sortedParts() } } : {}),
      ...(tail ? { tail } : {}),
    };
    this.#stateEtag = await saveState(ops, keys, path, state, this.#stateEtag, signal);
    this.#dirty = false;
    await this.#deleteStale();
  }

  async commit(): Promise<void> {
    this.#usable();
    this.#status = 'closed';
    await this.#drain();
    const { ops, keys, signal, fileKey } = this.target;
    if (this.#uploadId) {
      const id = this.#uploadId;
      if (this.#buffered > 0) {
        const n = this.#claimPart();
        const body = this.#take(this.#buffered);
        this.#parts.push({ n, etag: await ops.uploadPart(keys.data, id, n, body, signal), size: body.byteLength });
      } else if (this.#remoteTail) {
        const n = this.#claimPart();
        this.#parts.push({ n, etag: await ops.copyPart(keys.data, id, n, keys.tail(this.#remoteTail.id), signal), size: this.#remoteTail.size });
      }
      await ops.completeUpload(keys.data, id, this.#parts, signal);
      await this.#copyInto(keys.data);
    } else if (this.#base !== undefined) {
      await this.#copyInto(keys.data);
    } else if (this.#remoteTail && !this.#prepared) {
      await this.#copyInto(keys.tail(this.#remoteTail.id));
    } else {
      await ops.put(fileKey, concat(this.#chunks), signal);
    }
    this.#status = 'done';
    this.#chunks = [];
    // What the stored state named goes too; a writer that never stored anything left nothing.
    if (this.#stateEtag !== undefined) {
      this.#stale.add(keys.state);
      if (this.#remoteTail) this.#stale.add(keys.tail(this.#remoteTail.id));
    }
    if (this.#uploadId || this.#base !== undefined) this.#stale.add(keys.data);
    await this.#deleteStale();
  }

  async cancel(): Promise<void> {
    if (this.#status === 'done') return;
    this.#status = 'done';
    this.#chunks = [];
    await Promise.allSettled(this.#inflight);
    const { ops, keys } = this.target;
    // Without the writer's signal: a cancel must clean up even after an abort.
    if (this.#uploadId) await ops.abortUpload(keys.data, this.#uploadId);
    await discardWriter(ops, keys);
  }

  /**
   * Before the first new byte: take the stored pieces that cannot stay where they are into this
   * writer. A base (a completed upload) becomes the first parts of a new upload, copied server
   * side in multiples of the part size, with its unaligned end read into the buffer; a stored
   * tail is read into the buffer. The keys they came from go once the next state is stored.
   */
  async #prepare(): Promise<void> {
    this.#prepared = true;
    const { ops, keys, signal, path } = this.target;
    if (this.#base !== undefined) {
      const size = this.#base;
      const aligned = Math.floor(size / this.partSize) * this.partSize;
      if (aligned > 0) {
        this.#uploadId = await ops.createUpload(keys.data, signal);
        const step = Math.floor(MAX_PART_SIZE / this.partSize) * this.partSize;
        for (let start = 0; start < aligned; start += step) {
          const end = Math.min(aligned, start + step);
          const n = this.#claimPart();
          this.#parts.push({ n, etag: await ops.copyPart(keys.data, this.#uploadId, n, keys.data, signal, { start, end: end - 1 }), size: end - start });
        }
      } else {
        this.#stale.add(keys.data);
      }
      if (size > aligned) this.#absorb(await this.#fetch(keys.data, path, { start: aligned, end: size - 1 }));
      this.#base = undefined;
      this.#dirty = true;
    }
    if (this.#remoteTail) {
      const key = keys.tail(this.#remoteTail.id);
      this.#absorb(await this.#fetch(key, path));
      this.#stale.add(key);
      this.#remoteTail = undefined;
      this.#dirty = true;
    }
    while (this.#buffered >= this.partSize) await this.#dispatch(this.#take(this.partSize));
  }

  async #fetch(key: string, path: string, range?: { start: number; end: number }): Promise<Buffer> {
    const bytes = await this.target.ops.getBytes(key, this.target.signal, range);
    if (!bytes) throw new StorageError(`the unfinished upload at ${path} is missing its stored bytes (${key})`);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #absorb(bytes: Buffer): void {
    this.#chunks.push(bytes);
    this.#buffered += bytes.byteLength;
  }

  /** Remove the first `size` buffered bytes as one buffer. */
  #take(size: number): Buffer {
    const whole = concat(this.#chunks);
    this.#chunks = whole.byteLength > size ? [whole.subarray(size)] : [];
    this.#buffered -= size;
    return whole.subarray(0, size);
  }

  #claimPart(): number {
    if (this.#nextPart > MAX_PARTS) {
      throw new StorageError(`${this.target.path}: more than ${MAX_PARTS} parts; use a larger partSize for uploads this big`);
    }
    return this.#nextPart++;
  }

  /** Upload a full part, waiting while `concurrency` parts are in flight. */
  async #dispatch(body: Buffer): Promise<void> {
    const { ops, keys, signal } = this.target;
    this.#uploadId ??= await ops.createUpload(keys.data, signal);
    const id = this.#uploadId;
    const n = this.#claimPart();
    const upload = ops.uploadPart(keys.data, id, n, body, signal).then(
      (etag) => {
        this.#parts.push({ n, etag, size: body.byteLength });
      },
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
    this.#inflight.add(upload);
    void upload.finally(() => this.#inflight.delete(upload));
    while (this.#inflight.size >= this.concurrency) await Promise.race(this.#inflight);
    if (this.#failure) throw this.#failure.error;
  }

  async #drain(): Promise<void> {
    await Promise.all(this.#inflight);
    if (this.#failure) throw this.#failure.error;
  }

  #sortedParts(): Part[] {
    return [...this.#parts].sort((a, b) => a.n - b.n);
  }

  async #copyInto(from: string): Promise<void> {
    await this.target.ops.copy(from, this.target.fileKey, this.target.signal, { size: this.#size });
  }

  async #deleteStale(): Promise<void> {
    if (this.#stale.size === 0) return;
    const keys = [...this.#stale];
    this.#stale.clear();
    await this.target.ops.deleteKeys(keys, this.target.signal);
  }

  #usable(): void {
    this.target.signal?.throwIfAborted();
    if (this.#failure) throw this.#failure.error;
    if (this.#status !== 'open') throw new StorageError(`writer for ${this.target.path} is ${this.#status}`);
  }
}
