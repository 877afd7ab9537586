/**
 * A storage driver over a local directory.
 *
 * Storage paths map one to one onto files under `root`. Everything the driver writes first
 * lands in a file whose name contains `#` (`<target>#tmp-<random>` for `putContent`,
 * `<target>#partial` for writers); `#` cannot occur in a valid path component, so these never
 * collide with real files, and `list`/`stat` ignore them. A file only appears at its target
 * path by `rename`, which is atomic, after its bytes were fsynced; the directory is fsynced
 * after the rename. So a process or machine dying at any moment leaves either the old file or
 * the new one, plus at worst an invisible `#` file.
 *
 * Directories are real but treated as implicit: `delete` and `move` remove the parents they
 * empty, and `list`/`stat` hide any directory that holds no visible file (such as one left
 * empty by a crash, or holding only a partial upload).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  InvalidOffsetError,
  InvalidPathError,
  isValidPath,
  PathNotFoundError,
  StorageError,
  type DriverCallOptions,
  type PutContentOptions,
  type ReaderOptions,
  type FileInfo,
  type FileWriter,
  type StorageDriver,
  type WriterOptions,
} from '@wharf/core/storage';
import { codeOf, ensureDir, fsyncDir, hasVisible, isHidden, isMissing, mapLimit, pruneEmptyDirs } from './fs-helpers.js';
import { fileStream } from './fs-reader.js';
import { readSmallFile, writeNewFile } from './fd-io.js';
import { FsWriter } from './fs-writer.js';
import { syncOrAsync } from './sync-budget.js';

/** Options of {@link FsStorage}. */
export interface FsStorageOptions {
  /** Directory holding the store; created on first write. */
  readonly root: string;
  /**
   * fsync files and directories so that completed writes survive a power loss (default
   * `true`). Turning it off keeps atomicity (no torn files) but not durability; useful for
   * tests and scratch registries.
   */
  readonly fsync?: boolean;
  /**
   * Read small files (`getContent`) and `stat` synchronously (default `true`). On a local disk
   * a tag lookup then costs one system call's time instead of several thread-pool round trips,
   * which is most of a manifest GET. A budget per turn of the event loop (sync-budget.ts)
   * keeps a burst of such calls from stalling other requests, and a slow one turns them off for
   * a while; still, turn it off on network filesystems, where every read may be slow.
   */
  readonly syncReads?: boolean;
}

/**
 * A {@link StorageDriver} storing files under a local directory (name `filesystem`).
 *
 * @example
 * const registry = createRegistry({ storage: new FsStorage({ root: '/var/lib/wharf' }) });
 */
/** Tries of an operation whose directory a concurrent delete may be pruning at the same time. */
const MAX_DIR_ATTEMPTS = 5;

export class FsStorage implements StorageDriver {
  readonly name = 'filesystem';
  /** Absolute path of the store's root directory. */
  readonly root: string;
  readonly #fsync: boolean;
  readonly #syncReads: boolean;

  /** @param options see {@link FsStorageOptions}. */
  constructor(options: FsStorageOptions) {
    this.root = resolve(options.root);
    this.#fsync = options.fsync ?? true;
    this.#syncReads = options.syncReads ?? true;
  }

  async getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    try {
      const file = this.#file(path);
      const buffer = await syncOrAsync(this.#syncReads, () => readFileSync(file), () => readSmallFile(file));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw this.#notFound(error, path);
    }
  }

  async putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    const durable = this.#fsync && !options?.volatile;
    // Write and rename are one step: a concurrent delete of the directory can take the temp
    // file between the two (rename: ENOENT), and then both are done again.
    await this.#inDir(dirname(file), path, async () => {
      const temp = `${file}#tmp-${randomBytes(6).toString('hex')}`;
      let renamed = false;
      try {
        await writeNewFile(temp, content, durable);
        options?.signal?.throwIfAborted();
        await rename(temp, file);
        renamed = true;
      } finally {
        if (!renamed) await unlink(temp).catch(() => {});
      }
    });
    if (durable) await fsyncDir(dirname(file));
  }

  async reader(path: string, offset = 0, options?: ReaderOptions): Promise<ReadableStream<Uint8Array>> {
    options?.signal?.throwIfAborted();
    let handle: FileHandle;
    try {
      handle = await open(options?.uncommitted ? `${this.#file(path)}#partial` : this.#file(path), 'r');
    } catch (error) {
      throw this.#notFound(error, path);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new PathNotFoundError(path);
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > info.size) throw new InvalidOffsetError(path, offset);
      return fileStream(handle, offset, info.size, options?.signal);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async writer(path: string, options?: WriterOptions): Promise<FileWriter> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    const partial = `${file}#partial`;
    const append = options?.append ?? false;
    // Exclusive create first, to learn whether the partial file is new (then close() must
    // fsync its directory); otherwise open the existing one, truncating unless appending.
    const opened = await this.#inDir(dirname(file), path, async () => {
      try {
        return { handle: await open(partial, append ? 'ax' : 'wx'), created: true };
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
        return { handle: await open(partial, append ? 'a' : 'w'), created: false };
      }
    });
    const size = append && !opened.created ? (await opened.handle.stat()).size : 0;
    const target = { path, file, partial, root: this.root, fsync: this.#fsync };
    return new FsWriter(target, opened.handle, size, options?.signal);
  }

  async stat(path: string, options?: DriverCallOptions): Promise<FileInfo> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    let info: Stats;
    try {
      info = await syncOrAsync(this.#syncReads, () => statSync(file), () => stat(file));
    } catch (error) {
      throw this.#notFound(error, path);
    }
    if (info.isFile()) return { path, size: info.size, modTime: info.mtime, isDir: false };
    if (!info.isDirectory() || !(await hasVisible(file))) throw new PathNotFoundError(path);
    // A directory's own mtime ignores changes deeper down; "now" is always at or after its
    // newest content, as the contract asks, without walking the tree.
    return { path, size: 0, modTime: new Date(Math.max(Date.now(), info.mtimeMs)), isDir: true };
  }

  async list(path: string, options?: DriverCallOptions): Promise<string[]> {
    options?.signal?.throwIfAborted();
    const dir = path === '/' ? this.root : this.#file(path);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (path === '/' && codeOf(error) === 'ENOENT') return [];
      throw this.#notFound(error, path);
    }
    const names = await mapLimit(entries, 16, async (entry) => {
      if (isHidden(entry.name)) return undefined;
      if (entry.isFile() || (entry.isDirectory() && (await hasVisible(join(dir, entry.name))))) return entry.name;
      return undefined;
    });
    const base = path === '/' ? '' : path;
    const children = names.filter((name) => name !== undefined).map((name) => `${base}/${name}`);
    if (children.length === 0 && path !== '/') throw new PathNotFoundError(path);
    return children;
  }

  async move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const [source, dest] = [this.#file(sourcePath), this.#file(destPath)];
    await this.stat(sourcePath);
    if (source === dest) return;
    await this.#inDir(dirname(dest), destPath, () => rename(source, dest)).catch((error: unknown) => {
      throw codeOf(error) === 'ENOENT' ? new PathNotFoundError(sourcePath) : error;
    });
    if (this.#fsync) await fsyncDir(dirname(dest));
    if (dirname(source) !== dirname(dest)) await pruneEmptyDirs(this.root, dirname(source), this.#fsync);
  }

  async delete(path: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    const info = await stat(file).catch((error: unknown) => {
      throw this.#notFound(error, path);
    });
    if (info.isDirectory()) {
      if (!(await hasVisible(file))) throw new PathNotFoundError(path);
      // Something written beneath meanwhile makes the last rmdir fail (ENOTEMPTY): Node retries those.
      await rm(file, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
    } else {
      await unlink(file).catch((error: unknown) => {
        throw this.#notFound(error, path);
      });
    }
    await pruneEmptyDirs(this.root, dirname(file), this.#fsync);
  }

  /**
   * `utimes` to the process's clock. Not fsynced: the contract asks a touch to survive a crash
   * of the process only, and the kernel keeps the new time for that.
   */
  async touch(path: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    try {
      const info = await syncOrAsync(this.#syncReads, () => statSync(file), () => stat(file));
      if (!info.isFile()) throw new PathNotFoundError(path);
      const now = new Date();
      await utimes(file, now, now);
    } catch (error) {
      throw this.#notFound(error, path);
    }
  }

  /** The absolute file for a storage path; refuses anything that could escape `root`. */
  #file(path: string): string {
    if (!isValidPath(path)) throw new InvalidPathError(path, this.name);
    return join(this.root, path);
  }

  /**
   * Run `step`, which creates an entry in `dir`. On ENOENT create `dir` (and fsync new
   * parents) and retry: a concurrent `delete` may prune a directory between our mkdir and
   * our step, so a few attempts are allowed. Trying the step first saves a mkdir in the
   * common case of an existing directory.
   */
  async #inDir<T>(dir: string, path: string, step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        return await step();
      } catch (error) {
        failure = error;
      }
      // ENOENT: the directory is missing (never made, or pruned by a concurrent delete); make it
      // and try again. ENOTDIR also comes from a race: Node's recursive mkdir reports it when a
      // directory it found existing is removed (pruned) before it can stat it. A real clash (a
      // file where a directory belongs) persists and is reported after the last attempt.
      const code = codeOf(failure);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || attempt === MAX_DIR_ATTEMPTS) throw this.#conflict(failure, path);
      try {
        await ensureDir(dir, this.#fsync);
      } catch (error) {
        const again = codeOf(error);
        if ((again !== 'ENOENT' && again !== 'ENOTDIR') || attempt === MAX_DIR_ATTEMPTS - 1) throw this.#conflict(error, path);
      }
    }
  }

  #notFound(error: unknown, path: string): unknown {
    return isMissing(error) || codeOf(error) === 'EISDIR' ? new PathNotFoundError(path) : error;
  }

  /** A path that clashes with what is stored (a file where a directory is needed, or the reverse). */
  #conflict(error: unknown, path: string): unknown {
    if (!['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EINVAL'].includes(codeOf(error) ?? '')) return error;
    return new StorageError(`cannot store ${path}: it clashes with a stored file or directory (${codeOf(error)})`, this.name, {
      cause: error,
    });
  }
}
