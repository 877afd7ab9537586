/**
 * A storage driver over an S3 bucket (AWS S3, Ceph RGW, MinIO, … anything that speaks S3).
 *
 * Storage paths are object keys under a prefix (s3-keys.ts); directories are key prefixes, so
 * they exist exactly while something is stored beneath them, as the contract wants. The one
 * thing S3 lacks is a resumable, invisible append: writers build it from multipart uploads and
 * a small state object in a separate key tree (s3-writer.ts).
 *
 * Costs, in requests: `getContent`, `putContent`, `touch` one each; `reader` one (two when the
 * offset is at the end); `stat` one for a file (a HEAD), two for a directory or a missing path
 * (HEAD, then a one-key list; one with `fileOnly`); `list` one per 1000 entries; `delete` of a
 * file two (HEAD, DELETE), of a missing path two (HEAD, list), of a directory a list and a
 * batch delete per 1000 keys, plus two lists for unfinished writers beneath; `move` three
 * (HEAD, copy, DELETE), since S3 has no rename. `move` keeps the file's modification time by storing it in
 * the copy's metadata (`x-amz-meta-wharf-mtime`), which `stat` prefers over LastModified;
 * `touch` copies the object onto itself without it, so LastModified is the touch.
 * @module
 */
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  InvalidOffsetError,
  PathNotFoundError,
  type DriverCallOptions,
  type FileInfo,
  type FileWriter,
  type PutContentOptions,
  type ReaderOptions,
  type RedirectOptions,
  type StatOptions,
  type StorageDriver,
  type WriterOptions,
} from '@wharf/core/storage';
import { codeOf, statusOf, toDriverError } from './s3-errors.js';
import { KeyMap } from './s3-keys.js';
import { createClient, resolveOptions, type ResolvedOptions, type S3StorageOptions } from './s3-options.js';
import { MTIME_META, runLimited, S3Ops } from './s3-ops.js';
import { objectStream } from './s3-reader.js';
import { openWriter } from './s3-writer.js';
import { readUncommitted, type WriterTarget } from './s3-writer-store.js';

/**
 * A {@link StorageDriver} over an S3 bucket (name `s3`).
 *
 * @example
 * const storage = new S3Storage({ bucket: 'registry', prefix: 'wharf' }); // keys and region from the environment
 * await storage.ensureBucket();
 * const registry = createRegistry({ storage });
 */
export class S3Storage implements StorageDriver {
  readonly name = 's3';
  /** The client every request goes through (add middleware to observe them). */
  readonly client: S3Client;
  readonly bucket: string;
  /** Where paths live in the bucket. */
  readonly keys: KeyMap;
  readonly options: ResolvedOptions;
  readonly #ops: S3Ops;
  readonly #ownsClient: boolean;

  /**
   * @param options see {@link S3StorageOptions}.
   * @throws Error on an invalid prefix; RangeError on an out-of-range size option.
   */
  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new Error('S3Storage: bucket is required');
    this.bucket = options.bucket;
    this.keys = new KeyMap(options.prefix);
    this.options = resolveOptions(options);
    this.#ownsClient = !options.client;
    this.client = options.client ?? createClient(options);
    this.#ops = new S3Ops(this.client, this.bucket, this.options);
  }

  /** Create the bucket when it does not exist yet. */
  async ensureBucket(options?: DriverCallOptions): Promise<void> {
    const signal = options?.signal;
    try {
      await this.#ops.send(new HeadBucketCommand({ Bucket: this.bucket }), `HeadBucket ${this.bucket}`, signal);
      return;
    } catch (error) {
      if (signal?.aborted || statusOf((error as { cause?: unknown }).cause) !== 404) throw error;
    }
    try {
      await this.#ops.send(new CreateBucketCommand({ Bucket: this.bucket }), `CreateBucket ${this.bucket}`, signal);
    } catch (error) {
      // Someone else created it meanwhile.
      const code = codeOf((error as { cause?: unknown }).cause);
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
  }

  /** Close the client's connections, when this driver made the client. */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  async getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array> {
    const bytes = await this.#ops.getBytes(this.keys.file(path), options?.signal);
    if (!bytes) throw new PathNotFoundError(path);
    return bytes;
  }

  /** One PUT: S3 replaces objects atomically, and acknowledges only what it stored durably. */
  async putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void> {
    await this.#ops.put(this.keys.file(path), content, options?.signal);
  }

  async reader(path: string, offset = 0, options?: ReaderOptions): Promise<ReadableStream<Uint8Array>> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidOffsetError(path, offset);
    if (options?.uncommitted) return readUncommitted(this.#writerTarget(path, options.signal), offset);
    return objectStream(this.#ops, this.keys.file(path), path, offset, options?.signal);
  }

  async writer(path: string, options?: WriterOptions): Promise<FileWriter> {
    options?.signal?.throwIfAborted();
    const { partSize, uploadConcurrency } = this.options;
    return openWriter(this.#writerTarget(path, options?.signal), options?.append ?? false, partSize, uploadConcurrency);
  }

  async stat(path: string, options?: StatOptions): Promise<FileInfo> {
    const head = await this.#ops.head(this.keys.file(path), options?.signal);
    if (head) return { path, size: head.size, modTime: head.modTime, isDir: false };
    // A caller asking about a file is spared the list that would find a directory.
    if (!options?.fileOnly && (await this.#ops.anyUnder(this.keys.dir(path), options?.signal))) {
      // S3 keeps no directory times; "now" is at or after the newest content, as the contract asks.
      return { path, size: 0, modTime: new Date(), isDir: true };
    }
    throw new PathNotFoundError(path);
  }

  async list(path: string, options?: DriverCallOptions): Promise<string[]> {
    const prefix = this.keys.dir(path);
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#ops.listPage(prefix, { delimiter: '/', ...(token ? { token } : {}) }, options?.signal);
      for (const key of page.keys) this.#push(out, path, key.slice(prefix.length));
      for (const dir of page.prefixes) this.#push(out, path, dir.slice(prefix.length, -1));
      token = page.next;
    } while (token);
    if (out.length === 0 && path !== '/') throw new PathNotFoundError(path);
    return out;
  }

  /** Copy, then delete the source; a directory moves file by file (core only moves files). */
  async move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void> {
    const signal = options?.signal;
    const from = this.keys.file(sourcePath);
    const head = await this.#ops.head(from, signal);
    if (!head) return this.#moveDir(sourcePath, destPath, signal);
    if (sourcePath === destPath) return;
    // The file keeps its modification time (the contract; GC's trash relies on it).
    const metadata = { ...head.metadata, [MTIME_META]: head.modTime.toISOString() };
    const copied = await this.#ops.copy(from, this.keys.file(destPath), signal, { size: head.size, metadata });
    if (!copied) throw new PathNotFoundError(sourcePath);
    await this.#ops.deleteOne(from, signal);
  }

  /** A copy of the object onto itself with fresh metadata: S3's way to update LastModified. */
  async touch(path: string, options?: DriverCallOptions): Promise<void> {
    const key = this.keys.file(path);
    if (!(await this.#ops.copy(key, key, options?.signal))) throw new PathNotFoundError(path);
  }

  async delete(path: string, options?: DriverCallOptions): Promise<void> {
    const signal = options?.signal;
    const key = this.keys.file(path);
    if (await this.#ops.head(key, signal)) return this.#ops.deleteOne(key, signal);
    if ((await this.#ops.deleteUnder(this.keys.dir(path), signal)) === 0) throw new PathNotFoundError(path);
    // Unfinished writers beneath go too, as rm -r would take them.
    const writers = this.keys.writersBeneath(path);
    await this.#ops.abortUploadsUnder(writers, signal);
    await this.#ops.deleteUnder(writers, signal);
  }

  /**
   * A presigned URL for the file when `redirect` is on, else `null`. It is computed locally (no
   * request), and a URL for a missing file answers 404 from S3.
   */
  async redirectURL(path: string, options: RedirectOptions): Promise<string | null> {
    options.signal?.throwIfAborted();
    const expiresIn = options.expiresIn ?? this.options.redirectExpiresIn;
    if (this.options.redirectExpiresIn === null || expiresIn === null) return null;
    const input = { Bucket: this.bucket, Key: this.keys.file(path) };
    const command = options.method === 'HEAD' ? new HeadObjectCommand(input) : new GetObjectCommand(input);
    try {
      return await getSignedUrl(this.client, command, { expiresIn });
    } catch (error) {
      throw toDriverError(error, `presigning ${path}`, options.signal);
    }
  }

  #push(out: string[], path: string, name: string): void {
    const child = this.keys.child(path, name);
    if (child) out.push(child);
  }

  #writerTarget(path: string, signal: AbortSignal | undefined): WriterTarget {
    return { ops: this.#ops, path, fileKey: this.keys.file(path), keys: this.keys.writer(path), ...(signal ? { signal } : {}) };
  }

  async #moveDir(sourcePath: string, destPath: string, signal?: AbortSignal): Promise<void> {
    const prefix = this.keys.dir(sourcePath);
    let moved = 0;
    for await (const keys of this.#ops.listKeys(prefix, signal)) {
      await runLimited(keys, 8, async (key) => {
        const rest = key.slice(prefix.length);
        if (!this.keys.child('/', rest.split('/')[0] ?? '')) return;
        await this.move(`${sourcePath}/${rest}`, `${destPath}/${rest}`, signal ? { signal } : {});
        moved++;
      });
    }
    if (moved === 0) throw new PathNotFoundError(sourcePath);
  }
}

