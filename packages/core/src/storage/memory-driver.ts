/**
 * An in-memory storage driver, for tests and throwaway registries.
 *
 * Committed files live in a tree of directory nodes, so lookups cost one map access per path
 * component and a directory disappears as soon as its last entry goes (directories are
 * implicit). A file is an immutable list of chunks: readers stream views of those chunks
 * instead of copying, and a reader started before an overwrite keeps seeing the old content.
 * Uncommitted writer content sits in a separate map keyed by path, which is why it can never
 * show up through `getContent`, `reader`, `stat` or `list`.
 *
 * @module
 */
import {
  InvalidOffsetError,
  PathNotFoundError,
  StorageError,
  type DriverCallOptions,
  type PutContentOptions,
  type ReaderOptions,
  type FileInfo,
  type FileWriter,
  type StorageDriver,
  type WriterOptions,
} from './driver.js';

interface FileNode {
  readonly kind: 'file';
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
  readonly modTime: Date;
}

interface DirNode {
  readonly kind: 'dir';
  readonly children: Map<string, FileNode | DirNode>;
  modTime: Date;
}

interface PartialContent {
  chunks: Uint8Array[];
  size: number;
}

/** Readers hand out views of at most this many bytes, so one large file is not one huge chunk. */
const MAX_READ_CHUNK = 1 << 20;

const components = (path: string): string[] => path.split('/').slice(1);

/**
 * A {@link StorageDriver} keeping everything in memory (name `memory`). Contents are lost with
 * the instance; nothing is shared between instances.
 *
 * @example
 * const registry = createRegistry({ storage: new MemoryStorage() });
 */
export class MemoryStorage implements StorageDriver {
  readonly name = 'memory';
  #root: DirNode = { kind: 'dir', children: new Map(), modTime: new Date() };
  #partials = new Map<string, PartialContent>();

  async getContent(path: string, options?: DriverCallOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    if (file.chunks.length === 1) return file.chunks[0]!.slice();
    const out = new Uint8Array(file.size);
    let at = 0;
    for (const chunk of file.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }

  async putContent(path: string, content: Uint8Array, options?: PutContentOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    // Copy: the caller may reuse its buffer once we resolve.
    this.#install(path, content.byteLength ? [content.slice()] : [], content.byteLength);
  }

  async reader(path: string, offset = 0, options?: ReaderOptions): Promise<ReadableStream<Uint8Array>> {
    options?.signal?.throwIfAborted();
    const partial = options?.uncommitted ? this.#partials.get(path) : undefined;
    if (options?.uncommitted && !partial) throw new PathNotFoundError(path);
    // A snapshot of the chunk list: later appends do not change what this reader returns.
    const { chunks, size } = partial ? { chunks: [...partial.chunks], size: partial.size } : this.#file(path);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) throw new InvalidOffsetError(path, offset);
    let index = 0;
    let inner = offset;
    while (index < chunks.length && inner >= chunks[index]!.byteLength) inner -= chunks[index++]!.byteLength;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        options?.signal?.throwIfAborted();
        const chunk = chunks[index];
        if (!chunk) return controller.close();
        const end = Math.min(chunk.byteLength, inner + MAX_READ_CHUNK);
        controller.enqueue(chunk.subarray(inner, end));
        inner = end;
        if (end === chunk.byteLength) {
          index++;
          inner = 0;
        }
      },
    });
  }

  async writer(path: string, options?: WriterOptions): Promise<FileWriter> {
    options?.signal?.throwIfAborted();
    let partial = options?.append ? this.#partials.get(path) : undefined;
    if (!partial) {
      partial = { chunks: [], size: 0 };
      this.#partials.set(path, partial);
    }
    return new MemoryWriter(path, partial, this.#partials, (chunks, size) => this.#install(path, chunks, size), options?.signal);
  }

  async stat(path: string, options?: DriverCallOptions): Promise<FileInfo> {
    options?.signal?.throwIfAborted();
    const node = this.#lookup(path);
    if (!node) throw new PathNotFoundError(path);
    const isDir = node.kind === 'dir';
    return { path, size: isDir ? 0 : node.size, modTime: new Date(node.modTime), isDir };
  }

  async list(path: string, options?: DriverCallOptions): Promise<string[]> {
    options?.signal?.throwIfAborted();
    const node = path === '/' ? this.#root : this.#lookup(path);
    if (node?.kind !== 'dir') throw new PathNotFoundError(path);
    const base = path === '/' ? '' : path;
    return [...node.children.keys()].map((name) => `${base}/${name}`);
  }

  async move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const node = this.#lookup(sourcePath);
    if (!node) throw new PathNotFoundError(sourcePath);
    if (sourcePath === destPath) return;
    if (destPath.startsWith(`${sourcePath}/`)) throw new StorageError(`cannot move ${sourcePath} into itself`);
    this.#parentFor(destPath, false); // fail on a conflict before anything changes
    this.#remove(sourcePath);
    this.#attach(destPath, node);
  }

  async delete(path: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const node = this.#remove(path);
    if (!node) throw new PathNotFoundError(path);
    // Deleting a directory takes the uncommitted writers beneath it along, as rm -r would.
    if (node.kind === 'dir') {
      for (const key of this.#partials.keys()) if (key.startsWith(`${path}/`)) this.#partials.delete(key);
    }
  }

  async touch(path: string, options?: DriverCallOptions): Promise<void> {
    options?.signal?.throwIfAborted();
    const file = this.#file(path);
    this.#attach(path, { ...file, modTime: new Date() });
  }

  #lookup(path: string): FileNode | DirNode | undefined {
    let node: FileNode | DirNode | undefined = this.#root;
    for (const name of components(path)) {
      if (node?.kind !== 'dir') return undefined;
      node = node.children.get(name);
    }
    return node;
  }

  #file(path: string): FileNode {
    const node = this.#lookup(path);
    if (node?.kind !== 'file') throw new PathNotFoundError(path);
    return node;
  }

  #install(path: string, chunks: readonly Uint8Array[], size: number): void {
    this.#attach(path, { kind: 'file', chunks, size, modTime: new Date() });
  }

  /** Put `node` at `path`, creating parent directories. */
  #attach(path: string, node: FileNode | DirNode): void {
    const name = components(path).pop()!;
    this.#parentFor(path, true).children.set(name, node);
  }

  /**
   * The directory that holds (or would hold) `path`, touching its ancestors' modTime. Throws
   * when a parent component is a file or `path` is a directory: a filesystem cannot store
   * those either, and the memory driver should not accept what real drivers reject.
   */
  #parentFor(path: string, create: boolean): DirNode {
    const names = components(path);
    const last = names.pop()!;
    const now = new Date();
    let dir = this.#root;
    for (const name of names) {
      let child = dir.children.get(name);
      if (child?.kind === 'file') throw new StorageError(`cannot store ${path}: a parent is a file`);
      if (!child) {
        if (!create) return this.#root; // nothing below can conflict; the result is unused
        child = { kind: 'dir', children: new Map(), modTime: now };
        dir.children.set(name, child);
      }
      if (create) dir.modTime = now;
      dir = child;
    }
    if (dir.children.get(last)?.kind === 'dir') throw new StorageError(`cannot store ${path}: it is a directory`);
    if (create) dir.modTime = now;
    return dir;
  }

  /** Detach the node at `path` and drop the directories that became empty. */
  #remove(path: string): FileNode | DirNode | undefined {
    const names = components(path);
    const chain: DirNode[] = [];
    let dir = this.#root;
    for (const name of names.slice(0, -1)) {
      const child = dir.children.get(name);
      if (child?.kind !== 'dir') return undefined;
      chain.push(dir);
      dir = child;
    }
    const node = dir.children.get(names.at(-1)!);
    if (!node) return undefined;
    dir.children.delete(names.at(-1)!);
    const now = new Date();
    dir.modTime = now;
    for (let i = chain.length - 1; i >= 0 && dir.children.size === 0; i--) {
      const parent = chain[i]!;
      parent.children.delete(names[i]!);
      parent.modTime = now;
      dir = parent;
    }
    for (const ancestor of chain) ancestor.modTime = now;
    return node;
  }
}

/** Appends to a {@link PartialContent}; `commit` hands its chunks to the tree without copying. */
class MemoryWriter implements FileWriter {
  #state: 'open' | 'closed' | 'done' = 'open';

  constructor(
    private readonly path: string,
    private readonly partial: PartialContent,
    private readonly partials: Map<string, PartialContent>,
    private readonly install: (chunks: readonly Uint8Array[], size: number) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  get size(): number {
    return this.partial.size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#usable();
    // Copy: the caller may reuse its buffer once we resolve.
    if (chunk.byteLength) this.partial.chunks.push(chunk.slice());
    this.partial.size += chunk.byteLength;
  }

  async close(): Promise<void> {
    this.#usable();
    this.#state = 'closed';
  }

  async commit(): Promise<void> {
    this.#usable();
    this.install(this.partial.chunks, this.partial.size);
    this.#state = 'done';
    this.#forget();
  }

  async cancel(): Promise<void> {
    if (this.#state === 'done') return;
    this.#state = 'done';
    this.#forget();
  }

  #usable(): void {
    this.signal?.throwIfAborted();
    if (this.#state !== 'open') throw new StorageError(`writer for ${this.path} is ${this.#state}`);
  }

  /** Drop the resumable state, unless a newer writer on the same path has replaced it. */
  #forget(): void {
    if (this.partials.get(this.path) === this.partial) this.partials.delete(this.path);
  }
}
