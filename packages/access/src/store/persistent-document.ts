/**
 * The access document shared by every process that opens the same directory: the standalone
 * server, an admin CLI run next to it, a host app. It combines {@link DocumentFile} (atomic,
 * validated file) and {@link FileLock} (one writer at a time across processes).
 *
 * Writes are read-modify-write under the lock: take the lock, re-read the latest revision
 * (another process may have written since we last looked), apply the change to a fresh copy,
 * bump the revision, write durably, release. Within one process writes are also queued, so an
 * instance never polls against its own lock.
 *
 * Reads return an {@link AccessState} kept in memory and revalidated with one `stat` per call:
 * a token request costs a stat, not a parse, unless someone wrote in between.
 *
 * The directory is the owner's only (0700) and so are the document and its lock (0600): the
 * document holds password and token hashes.
 * @module
 */
import { AccessError } from '../model/access-error.js';
import { AccessState } from '../model/access-state.js';
import { decodeDocument, encodeDocument } from '../model/document-codec.js';
import type { AccessDocument } from '../model/schema.js';
import { DocumentFile, type FileStamp } from './document-file.js';
import { FileLock, type LockOptions } from './file-lock.js';
import { privateDir, restrictToOwner } from './private-files.js';

/** The document file of a store directory and its lock, kept consistent across processes. */
export class PersistentDocument {
  readonly #file: DocumentFile;
  readonly #lockPath: string;
  readonly #lockOptions: LockOptions;
  #cached: { state: AccessState; stamp: FileStamp | null } | undefined;
  #loading: Promise<AccessState> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, lockOptions: LockOptions) {
    this.#file = new DocumentFile(dir);
    this.#lockPath = `${this.#file.path}.lock`;
    this.#lockOptions = lockOptions;
  }

  /**
   * Open (creating the directory if needed) and load the document. The directory and the
   * document are made private to the owner (0700, 0600) if they were not.
   * @throws AccessError CORRUPT when the file exists but is not a valid access document
   */
  static async open(dir: string, lockOptions: LockOptions = {}): Promise<PersistentDocument> {
    await privateDir(dir);
    const document = new PersistentDocument(dir, lockOptions);
    await restrictToOwner(document.path);
    await document.state();
    return document;
  }

  /** Path of the document file. */
  get path(): string {
    return this.#file.path;
  }

  /**
   * The latest state: the cached one when the file is unchanged, else re-read.
   * @throws AccessError CORRUPT when the file was replaced by something invalid
   */
  async state(): Promise<AccessState> {
    const stamp = await this.#file.stamp();
    if (this.#cached && this.#cached.stamp === stamp) return this.#cached.state;
    this.#loading ??= this.#reload().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #reload(): Promise<AccessState> {
    const { doc, stamp } = await this.#file.read();
    const state = new AccessState(doc);
    this.#cached = { state, stamp };
    return state;
  }

  /**
   * Apply `change` to the latest document and persist it as the next revision.
   * `change` runs synchronously on a private copy; whatever it throws aborts the write
   * (nothing is persisted) and is rethrown.
   * @throws AccessError LOCKED when the lock could not be taken, CORRUPT when the file is invalid
   */
  update<T>(change: (doc: AccessDocument) => T): Promise<T> {
    const run = this.#queue.then(() => this.#locked(change));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #locked<T>(change: (doc: AccessDocument) => T): Promise<T> {
    const lock = await FileLock.acquire(this.#lockPath, this.#lockOptions);
    try {
      const { doc } = await this.#file.read();
      const result = change(doc);
      doc.revision += 1;
      // Never write what could not be read back. A value the file cannot hold came from input
      // nobody checked well enough: refuse it as invalid, nothing is written.
      const checked = decodeDocument(encodeDocument(doc));
      if ('problem' in checked) {
        const { where, message } = checked.problem;
        throw new AccessError('INVALID', `the change cannot be stored: ${where}: ${message}`);
      }
      const next = checked.doc;
      const stamp = await this.#file.write(next, async () => {
        if (!(await lock.verify()))
          throw new AccessError('LOCKED', `lost the lock on ${this.#lockPath} (broken as stale); the change was not saved`);
      });
      this.#cached = { state: new AccessState(next), stamp };
      return result;
    } finally {
      await lock.release();
    }
  }
}
