/**
 * The guard core wraps around every storage driver.
 *
 * Drivers are kept small by checking, in this one place, everything that does not depend on
 * the backend: the path grammar, read offsets, an already-aborted signal, and the driver name
 * on the errors a driver throws. A driver may therefore assume it only ever sees valid paths.
 *
 * @module
 */
import {
  InvalidOffsetError,
  InvalidPathError,
  PATH_PATTERN,
  StorageError,
  type DriverCallOptions,
  type PutContentOptions,
  type StatOptions,
  type FileInfo,
  type FileWriter,
  type RedirectOptions,
  type StorageDriver,
  type WriterOptions,
} from './driver.js';

/**
 * True when `path` is a valid storage path: it matches {@link PATH_PATTERN} and has no `.` or
 * `..` component (the pattern alone lets those through, and a filesystem would resolve them).
 * @param path the path to check; the root `/` is not a valid file path.
 * @example isValidPath('/a/b.c') // true
 */
export function isValidPath(path: string): boolean {
  if (!PATH_PATTERN.test(path)) return false;
  return !path.split('/').some((c) => c === '.' || c === '..');
}

/**
 * Checks every path, offset and signal before the wrapped driver sees it, and stamps the
 * driver's name on the {@link StorageError}s it throws. Use {@link guard} to create one.
 *
 * @example
 * const storage = guard(new MemoryStorage());
 * await storage.getContent('/no/such/file'); // rejects PathNotFoundError, driverName 'memory'
 */
export class GuardedDriver implements StorageDriver {
  readonly name: string;

  /** @param driver the driver to protect; it receives only validated calls. */
  constructor(readonly driver: StorageDriver) {
    this.name = driver.name;
  }

  getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array> {
    return this.#call(options, [path], () => this.driver.getContent(path, options));
  }

  putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void> {
    return this.#call(options, [path], () => this.driver.putContent(path, content, options));
  }

  /** @throws InvalidOffsetError when `offset` is not an integer ≥ 0 (the driver checks the end). */
  reader(path: string, offset = 0, options?: DriverCallOptions): Promise<ReadableStream<Uint8Array>> {
    return this.#call(options, [path], () => {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidOffsetError(path, offset);
      return this.driver.reader(path, offset, options);
    });
  }

  writer(path: string, options?: WriterOptions): Promise<FileWriter> {
    return this.#call(options, [path], async () => this.#wrapWriter(await this.driver.writer(path, options)));
  }

  stat(path: string, options?: StatOptions): Promise<FileInfo> {
    return this.#call(options, [path], () => this.driver.stat(path, options));
  }

  /** Accepts the root `/` besides ordinary paths. */
  list(path: string, options?: DriverCallOptions): Promise<string[]> {
    const checked = path === '/' ? [] : [path];
    return this.#call(options, checked, () => this.driver.list(path, options));
  }

  move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void> {
    return this.#call(options, [sourcePath, destPath], () => this.driver.move(sourcePath, destPath, options));
  }

  delete(path: string, options?: DriverCallOptions): Promise<void> {
    return this.#call(options, [path], () => this.driver.delete(path, options));
  }

  touch(path: string, options?: DriverCallOptions): Promise<void> {
    return this.#call(options, [path], () => this.driver.touch(path, options));
  }

  /** Always present: resolves `null` when the wrapped driver has no `redirectURL`. */
  redirectURL(path: string, options: RedirectOptions): Promise<string | null> {
    return this.#call(options, [path], async () => (this.driver.redirectURL ? this.driver.redirectURL(path, options) : null));
  }

  async #call<T>(options: DriverCallOptions | undefined, paths: string[], run: () => Promise<T> | T): Promise<T> {
    options?.signal?.throwIfAborted();
    for (const path of paths) {
      if (!isValidPath(path)) throw new InvalidPathError(path, this.name);
    }
    return this.#stamp(run);
  }

  async #stamp<T>(run: () => Promise<T> | T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      // A driver composed of other drivers may already have named the culprit; keep that.
      if (error instanceof StorageError && error.driverName === 'unknown') error.driverName = this.name;
      throw error;
    }
  }

  #wrapWriter(inner: FileWriter): FileWriter {
    return {
      get size() {
        return inner.size;
      },
      write: (chunk) => this.#stamp(() => inner.write(chunk)),
      close: () => this.#stamp(() => inner.close()),
      commit: () => this.#stamp(() => inner.commit()),
      cancel: () => this.#stamp(() => inner.cancel()),
    };
  }
}

/**
 * Wrap a driver in a {@link GuardedDriver}, unless it already is one.
 * @param driver any storage driver.
 * @example const storage = guard(new FsStorage({ root: '/var/lib/wharf' }));
 */
export function guard(driver: StorageDriver): GuardedDriver {
  return driver instanceof GuardedDriver ? driver : new GuardedDriver(driver);
}
