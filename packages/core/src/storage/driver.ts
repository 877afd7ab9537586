/**
 * The storage driver contract.
 *
 * A driver is a narrow key/value file store that knows nothing about registries: paths, bytes,
 * directories. Everything registry-shaped (blobs, links, tags, upload sessions) is built on top
 * of it by core, so a new backend only has to get these few methods right, and the conformance
 * suite in `@wharf/core/testing` proves that it does.
 *
 * Paths are absolute, slash separated, and match {@link PATH_PATTERN}: `/a/b/c`. The root `/`
 * is a valid directory path for `list`. Drivers may assume every path they receive has been
 * validated by {@link GuardedDriver}, which core always wraps around a driver.
 *
 * A path is either a file or a directory: writing a file where a directory is (or beneath a
 * file) is unspecified, and core never does it. A directory's `modTime` is unspecified.
 *
 * Directories are implicit: they exist while something is stored beneath them. A driver that
 * has real directories (a filesystem) removes empty parents on `delete` and `move` where it
 * can; `list` must never report a directory that holds nothing.
 *
 * @module
 */

/** Path grammar: one or more `/component`, components of `[A-Za-z0-9._-]`, not `.` or `..`. */
export const PATH_PATTERN = /^(\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;

/** Facts about one stored path. */
export interface FileInfo {
  /** The path asked for. */
  readonly path: string;
  /** Size in bytes; 0 for a directory. */
  readonly size: number;
  /** Last modification time. For a directory, any time at or after its newest content. */
  readonly modTime: Date;
  /** True when the path is a directory (something is stored beneath it). */
  readonly isDir: boolean;
}

/** Options accepted by every driver method. */
export interface DriverCallOptions {
  /** Abort the operation. A driver rejects with the signal's reason and leaves no partial file. */
  readonly signal?: AbortSignal;
}

/** Options for {@link StorageDriver.stat}. */
export interface StatOptions extends DriverCallOptions {
  /**
   * The caller asks about a file, and treats a directory like nothing: a driver may then
   * report a directory at the path as not found. A store without real directories (S3) saves
   * the second request that tells "missing" from "a directory" (core uses it for blobs, links
   * and revisions, which are always files).
   */
  readonly fileOnly?: boolean;
}

/** `stat` options of a caller that asks about a file (see {@link StatOptions.fileOnly}). */
export const FILE_ONLY: StatOptions = Object.freeze({ fileOnly: true });

/**
 * An append-only writer for one path.
 *
 * Bytes written are not visible at the path (through `getContent`, `reader`, `stat` or
 * `list`) until `commit()` resolves; after a `close()` they can be taken up again by opening
 * a new writer on the same path with `append: true`, from this process or another one. That
 * is what lets a registry upload span several HTTP requests and processes.
 *
 * After `close()` or `commit()` a writer refuses `write`, `close` and `commit` with a
 * StorageError; `cancel()` after `commit()` does nothing, so `try { commit } finally { cancel }`
 * is safe. Deleting a directory discards unfinished writers beneath it, as `rm -r` would.
 * When the writer's AbortSignal fires, later calls reject with its reason and what was already
 * written is kept for a later append.
 */
export interface FileWriter {
  /** Bytes written so far, including those of earlier writers on the same path when appending. */
  readonly size: number;
  /**
   * Append a chunk. Resolves once the chunk may be reused by the caller (backpressure: callers
   * await each write before the next). The driver may buffer.
   */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Stop writing for now, keeping what was written for a later `writer(path, { append: true })`.
   * The data must survive a crash of the process once `close()` resolves. It need not survive a
   * power loss (only `commit` promises that): core reads the size back from the writer before it
   * resumes, and verifies the digest before anything becomes visible, so lost bytes cost a retry,
   * never wrong content.
   */
  close(): Promise<void>;
  /**
   * Make everything written visible at the path, durably (it survives a crash once this
   * resolves), replacing any earlier content. After `commit` the writer is finished.
   */
  commit(): Promise<void>;
  /** Discard everything written, including the resumable state. Idempotent; never throws for "already gone". */
  cancel(): Promise<void>;
}

/** Options for {@link StorageDriver.writer}. */
export interface WriterOptions extends DriverCallOptions {
  /**
   * Continue the uncommitted content a previous writer left at this path with `close()`.
   * When false, any such content is discarded and the writer starts empty. Appending when
   * nothing was left starts empty too.
   */
  readonly append?: boolean;
}

/** Options for {@link StorageDriver.reader}. */
export interface ReaderOptions extends DriverCallOptions {
  /**
   * Read the uncommitted content a writer left at the path with `close()`, instead of the
   * committed file. Core uses it to re-digest an upload that resumes in a process that did not
   * see its first bytes. Throws PathNotFoundError when there is none.
   */
  readonly uncommitted?: boolean;
}

/** Options for {@link StorageDriver.putContent}. */
export interface PutContentOptions extends DriverCallOptions {
  /**
   * The content needs to survive a crash of the process but not a power loss, so a driver may
   * skip its fsyncs (the write stays atomic). Core uses it for upload-session state, which a
   * client recreates if it is lost: a fresh session costs a retry, never wrong content.
   */
  readonly volatile?: boolean;
}

/** Options for {@link StorageDriver.redirectURL}. */
export interface RedirectOptions extends DriverCallOptions {
  /** HTTP method the URL will be used with. */
  readonly method: 'GET' | 'HEAD';
  /** Seconds the URL stays valid. */
  readonly expiresIn?: number;
}

/**
 * The contract every storage backend implements. All methods reject with
 * {@link StorageError} subclasses for the cases their docs name.
 */
export interface StorageDriver {
  /** A short name used in errors and logs, e.g. `filesystem`, `s3`, `memory`. */
  readonly name: string;

  /**
   * Read a whole (small) file.
   * @throws PathNotFoundError when nothing is stored at the path (or it is a directory).
   */
  getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array>;

  /**
   * Store a whole (small) file atomically and durably: a reader sees the old content or the new,
   * never a mix, and the new content survives a crash once this resolves (a crash of the
   * process only, with `volatile`).
   */
  putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void>;

  /**
   * Stream a file from `offset`.
   * @param offset first byte to return (default 0); `offset === size` gives an empty stream.
   * @throws PathNotFoundError when nothing is stored at the path.
   * @throws InvalidOffsetError when `offset` is negative or beyond the end of the file.
   */
  reader(path: string, offset?: number, options?: ReaderOptions): Promise<ReadableStream<Uint8Array>>;

  /** Open an append-only writer; see {@link FileWriter}. */
  writer(path: string, options?: WriterOptions): Promise<FileWriter>;

  /**
   * Describe a file or directory.
   * @throws PathNotFoundError when nothing is stored at or beneath the path.
   */
  stat(path: string, options?: StatOptions): Promise<FileInfo>;

  /**
   * The direct children of a directory, as full paths, in any order.
   * @throws PathNotFoundError when the directory does not exist (holds nothing). Listing `/`
   *   of an empty store returns `[]`.
   */
  list(path: string, options?: DriverCallOptions): Promise<string[]>;

  /**
   * Move a file, replacing anything at `destPath` atomically. The source disappears. The file
   * keeps its `modTime` (garbage collection's trash recheck relies on it: see `gc/trash.ts`).
   * @throws PathNotFoundError when `sourcePath` does not exist.
   */
  move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void>;

  /**
   * Set a file's `modTime` to now, leaving its content alone. Garbage collection uses it: a
   * registry that reuses stored content while a collection runs touches it, so the collector
   * sees it as fresh (see `gc/protocol.ts`). The new time must survive a crash of the process,
   * not necessarily a power loss. A store without a native "touch" can rewrite the file in
   * place (S3: a copy of the object onto itself with `MetadataDirective: REPLACE`). A touch
   * racing a `move` of the same file should either reach it before it moves (the moved file
   * has the new time) or fail; a rename does that, a copy-then-delete move cannot, and garbage
   * collection covers that case with touch records (gc/protocol.ts).
   * @throws PathNotFoundError when no file is stored at the path (a directory is not a file).
   */
  touch(path: string, options?: DriverCallOptions): Promise<void>;

  /**
   * Delete a file or a directory with everything beneath it.
   * @throws PathNotFoundError when nothing is stored at or beneath the path.
   */
  delete(path: string, options?: DriverCallOptions): Promise<void>;

  /**
   * A URL a client can fetch the file from directly (a presigned URL), or `null` when the
   * driver serves content itself. Optional; absent means always `null`.
   */
  redirectURL?(path: string, options: RedirectOptions): Promise<string | null>;
}

/** Base class of every error a driver reports on purpose. Carries no HTTP status. */
export class StorageError extends Error {
  constructor(
    message: string,
    /** The driver's `name`, stamped by the guard. */
    public driverName = 'unknown',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Nothing is stored at (or beneath) the path. */
export class PathNotFoundError extends StorageError {
  constructor(
    public readonly path: string,
    driverName?: string,
  ) {
    super(`path not found: ${path}`, driverName);
  }
}

/** The path does not match {@link PATH_PATTERN}. */
export class InvalidPathError extends StorageError {
  constructor(
    public readonly path: string,
    driverName?: string,
  ) {
    super(`invalid path: ${JSON.stringify(path)}`, driverName);
  }
}

/** A read offset is negative, not an integer, or past the end of the file. */
export class InvalidOffsetError extends StorageError {
  constructor(
    public readonly path: string,
    public readonly offset: number,
    driverName?: string,
  ) {
    super(`invalid offset ${offset} for ${path}`, driverName);
  }
}
