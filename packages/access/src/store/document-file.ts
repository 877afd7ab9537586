/**
 * The access document on disk: one JSON file replaced atomically.
 *
 * A write goes to a temp file beside the document, is fsynced, renamed over the document, and
 * the directory is fsynced, so after a crash the file is either the old revision or the new
 * one, never a mix. Temp files left by a crash are removed by the next writer (while it holds
 * the lock, any temp file is garbage).
 *
 * Reads are validated with the zod schema; a file that is not an access document is refused
 * with {@link AccessError} `CORRUPT` and left untouched, never reset. {@link DocumentFile.stamp}
 * identifies the file's current version cheaply (inode, size and nanosecond mtime) so readers
 * can skip re-parsing an unchanged file.
 *
 * The document holds password and token hashes, so it is never readable by others: temp files
 * are created with mode 0600 and renamed over the document, which therefore always ends up
 * 0600 (also when an older version had left it 0644).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessError } from '../model/access-error.js';
import { decodeDocument, encodeDocument } from '../model/document-codec.js';
import { type AccessDocument, DOCUMENT_FORMAT, emptyDocument } from '../model/schema.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** Identifies one version of the file; equal stamps mean the content was not replaced. */
export type FileStamp = string;

const TEMP_SUFFIX = '.tmp';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The document file `<dir>/<name>` and its temp files. */
export class DocumentFile {
  readonly path: string;

  constructor(
    readonly dir: string,
    readonly name = 'access.json',
  ) {
    this.path = join(dir, name);
  }

  /** The current version's stamp, or `null` when the file does not exist. */
  async stamp(): Promise<FileStamp | null> {
    try {
      const s = await stat(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Read and validate the document; a missing file is the empty document (revision 0).
   * @throws AccessError CORRUPT when the file is not a valid access document
   */
  async read(): Promise<{ doc: AccessDocument; stamp: FileStamp | null }> {
    for (;;) {
      const before = await this.stamp();
      if (before === null) return { doc: emptyDocument(), stamp: null };
      let raw: string;
      try {
        raw = await readFile(this.path, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      // A writer may have replaced the file between stat and read: then the stamp is stale.
      if ((await this.stamp()) !== before) continue;
      return { doc: this.parse(raw), stamp: before };
    }
  }

  private parse(raw: string): AccessDocument {
    const hint = `The file was left untouched; restore it from a backup or repair it by hand. Wharf never resets it.`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new AccessError('CORRUPT', `the access store ${this.path} is not valid JSON (${(error as Error).message}). ${hint}`);
    }
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== DOCUMENT_FORMAT && typeof format === 'string') {
      throw new AccessError(
        'CORRUPT',
        `the access store ${this.path} has format "${format}"; this version reads "${DOCUMENT_FORMAT}". ${hint}`,
      );
    }
    const result = decodeDocument(json);
    if ('problem' in result) {
      const { where, message } = result.problem;
      throw new AccessError('CORRUPT', `the access store ${this.path} is not a valid access document: ${where}: ${message}. ${hint}`);
    }
    return result.doc;
  }

  /**
   * Replace the document durably. Call only while holding the store's lock.
   * @param beforeCommit runs after the temp file is durable and before the rename; throwing
   *   aborts the write (used to check the lock is still held)
   */
  async write(doc: AccessDocument, beforeCommit?: () => Promise<void>): Promise<FileStamp> {
    await this.removeTempFiles();
    const temp = join(this.dir, `${this.name}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    try {
      const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        await handle.writeFile(`${JSON.stringify(encodeDocument(doc), null, 1)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await beforeCommit?.();
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.syncDir();
    const stamp = await this.stamp();
    if (stamp === null) throw new Error(`${this.path} vanished right after it was written`);
    return stamp;
  }

  private async syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Remove temp files of writes that crashed before their rename. Call only under the lock. */
  private async removeTempFiles(): Promise<void> {
    const names = await readdir(this.dir);
    const prefix = `${this.name}.`;
    await Promise.all(
      names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX)).map((n) => unlink(join(this.dir, n)).catch(() => undefined)),
    );
  }
}
