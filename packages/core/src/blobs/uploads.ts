/**
 * Resumable blob uploads.
 *
 * A session lives in storage (`_uploads/<id>.state` and `<id>.data`), so any process can
 * serve any request of it and a restart loses nothing. Bytes stream from the request into the
 * driver's append-only writer and through the digester in the same pass; on the closing PUT the
 * digest and size are checked, the writer commits, and the data moves into the blob store —
 * only then is the blob visible, and only through this repository's new link.
 *
 * The digest state lives in this process ({@link DigestCheckpoints}); when a session continues
 * somewhere that has no checkpoint for its current size (another process, or after a restart),
 * the bytes written so far are read back once and digested again.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Digester, type Digest, type DigestAlgorithm } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import { PathNotFoundError, type FileWriter, type StorageDriver } from '../storage/driver.js';
import { notFoundAs } from '../storage/not-found.js';
import { pathFor } from '../storage/paths.js';
import { fromUtf8, utf8 } from '../streams.js';
import type { BlobInfo, BlobStore } from './blob-store.js';
import type { RepositoryLinks } from './repository-links.js';
import { ADMIT_ALL, type Admit } from './admission.js';
import { DigestCheckpoints, KeyedMutex, UPLOAD_ID_PATTERN, uploadStateSchema, type UploadState } from './upload-state.js';

/** Where a chunk claims to go, from `Content-Range` (inclusive end). */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

export class Uploads {
  readonly #checkpoints = new DigestCheckpoints();
  readonly #mutex = new KeyedMutex();

  /**
   * @param admit wraps the publishing of a verified blob in the repository; what it throws
   *   before publishing refuses the upload (the session is discarded). The storage quota uses it.
   */
  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly links: RepositoryLinks,
    private readonly admit: Admit = ADMIT_ALL,
  ) {}

  /** Open a session. */
  async start(name: string, algorithm?: DigestAlgorithm): Promise<UploadState> {
    const state: UploadState = {
      id: randomUUID(),
      name,
      algorithm: algorithm ?? 'sha256',
      explicitAlgorithm: algorithm !== undefined,
      startedAt: new Date().toISOString(),
    };
    // Volatile: a session lost to a power loss is one the client starts again (module doc).
    await this.driver.putContent(pathFor({ kind: 'uploadState', name, id: state.id }), utf8(JSON.stringify(state)), { volatile: true });
    return state;
  }

  /** A session's state. @throws RegistryError BLOB_UPLOAD_UNKNOWN */
  async state(name: string, id: string): Promise<UploadState> {
    if (!UPLOAD_ID_PATTERN.test(id)) throw unknownUpload(id);
    let raw: Uint8Array;
    try {
      raw = await this.driver.getContent(pathFor({ kind: 'uploadState', name, id }));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw unknownUpload(id);
      throw error;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(fromUtf8(raw));
    } catch {
      // a corrupt state file is an unknown upload, not a server error
    }
    const parsed = uploadStateSchema.safeParse(json);
    if (!parsed.success || parsed.data.name !== name || parsed.data.id !== id) throw unknownUpload(id);
    return parsed.data;
  }

  /** Bytes received so far. @throws RegistryError BLOB_UPLOAD_UNKNOWN */
  async offset(name: string, id: string): Promise<number> {
    return this.#mutex.run(`${name}/${id}`, async () => {
      await this.state(name, id);
      const writer = await this.driver.writer(pathFor({ kind: 'uploadData', name, id }), { append: true });
      const size = writer.size;
      await writer.close();
      return size;
    });
  }

  /**
   * Append a chunk.
   * @param range the chunk's claimed position; absent for a streamed PATCH, which appends.
   * @returns the new size.
   * @throws RegistryError RANGE_INVALID (with the current Range) when the chunk does not start
   *   where the data ends; nothing is written and the session stays usable.
   */
  async append(name: string, id: string, body: ReadableStream<Uint8Array> | null, range?: ChunkRange): Promise<number> {
    return this.#mutex.run(`${name}/${id}`, async () => {
      const state = await this.state(name, id);
      const { writer, digester } = await this.#open(state, range);
      await this.#pump(state, writer, digester, body);
      await writer.close();
      return writer.size;
    });
  }

  /**
   * Close a session: take the last chunk (if any), verify the digest, and publish the blob in
   * the repository.
   * @throws RegistryError DIGEST_INVALID when the content does not match (the session is removed),
   *   RANGE_INVALID for a misplaced last chunk.
   */
  async complete(
    name: string,
    id: string,
    expected: Digest,
    body: ReadableStream<Uint8Array> | null,
    range?: ChunkRange,
  ): Promise<BlobInfo> {
    return this.#mutex.run(`${name}/${id}`, async () => {
      const state = await this.state(name, id);
      const { writer, digester: opened } = await this.#open(state, range, expected.algorithm);
      let digester = opened;
      await this.#pump(state, writer, digester, body);
      if (digester.algorithm !== expected.algorithm) {
        digester = await this.#redigest(state, writer.size, expected.algorithm);
      }
      const actual = digester.digest();
      if (actual !== expected.value) {
        await writer.cancel();
        await this.#remove(state);
        throw new RegistryError('DIGEST_INVALID', `the uploaded content has digest ${actual}, not ${expected.value}`, {
          detail: { expected: expected.value, actual, size: writer.size },
        });
      }
      const size = writer.size;
      let publishing = false;
      const publish = async () => {
        publishing = true;
        await writer.commit();
        await this.blobs.adopt(pathFor({ kind: 'uploadData', name, id }), expected, () => this.links.link(name, expected));
      };
      try {
        await this.admit({ repository: name, digest: expected, size, kind: 'blob' }, publish);
      } catch (error) {
        if (publishing) throw error;
        // Refused: nothing was published, and the session's bytes go.
        await writer.cancel();
        await this.#remove(state);
        throw error;
      }
      await this.#remove(state);
      return { digest: expected.value, size };
    });
  }

  /** Start, fill and close a session in one go (POST `?digest=`). */
  async putMonolithic(name: string, expected: Digest, body: ReadableStream<Uint8Array> | null): Promise<BlobInfo> {
    const state = await this.start(name, expected.algorithm);
    try {
      return await this.complete(name, state.id, expected, body);
    } catch (error) {
      await this.cancel(name, state.id).catch(() => {});
      throw error;
    }
  }

  /** Abandon a session. @throws RegistryError BLOB_UPLOAD_UNKNOWN */
  async cancel(name: string, id: string): Promise<void> {
    await this.#mutex.run(`${name}/${id}`, async () => {
      const state = await this.state(name, id);
      const writer = await this.driver.writer(pathFor({ kind: 'uploadData', name, id }), { append: true });
      await writer.cancel();
      await this.#remove(state);
    });
  }

  async #open(
    state: UploadState,
    range: ChunkRange | undefined,
    closingAlgorithm?: DigestAlgorithm,
  ): Promise<{ writer: FileWriter; digester: Digester }> {
    const key = `${state.name}/${state.id}`;
    const path = pathFor({ kind: 'uploadData', name: state.name, id: state.id });
    let writer = await this.driver.writer(path, { append: true });
    if (range && range.start !== writer.size) {
      const size = writer.size;
      await writer.close();
      throw new RegistryError('RANGE_INVALID', `chunk starts at byte ${range.start}, but the upload has ${size} bytes: the next chunk must start at ${size}`, {
        detail: { offset: size, start: range.start },
        storedBytes: size,
      });
    }
    // Nothing written yet and the client did not pick an algorithm: the closing digest decides.
    const algorithm = writer.size === 0 && !state.explicitAlgorithm && closingAlgorithm ? closingAlgorithm : state.algorithm;
    let digester = this.#checkpoints.get(key, writer.size, algorithm) ?? (writer.size === 0 ? new Digester(algorithm) : null);
    if (!digester) {
      // Read back what was written elsewhere with no writer open: reading an unfinished upload
      // may reorganise what the driver stored (S3 completes its multipart upload to read it),
      // and a writer opened before that would hold stale state. Then open the writer again.
      const size = writer.size;
      await writer.close();
      digester = await this.#redigest(state, size, algorithm);
      writer = await this.driver.writer(path, { append: true });
      if (writer.size !== size) {
        await writer.close();
        throw new RegistryError('BLOB_UPLOAD_INVALID', `upload ${state.id} changed while it was being resumed; start again`);
      }
    }
    return { writer, digester };
  }

  /** Stream a body into the writer and digester together, checkpointing as bytes land. */
  async #pump(state: UploadState, writer: FileWriter, digester: Digester, body: ReadableStream<Uint8Array> | null): Promise<void> {
    const key = `${state.name}/${state.id}`;
    if (!body) {
      this.#checkpoints.set(key, digester);
      return;
    }
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.byteLength === 0) continue;
        await writer.write(value);
        digester.update(value);
      }
      this.#checkpoints.set(key, digester);
    } catch (error) {
      // Keep what reached the writer, so the client can resume from GET's Range; the digest
      // state may be off by a chunk, so drop it and let the next request re-digest.
      this.#checkpoints.delete(key);
      await writer.close().catch(() => {});
      throw error;
    } finally {
      reader.releaseLock();
    }
  }

  async #redigest(state: UploadState, size: number, algorithm: DigestAlgorithm): Promise<Digester> {
    const digester = new Digester(algorithm);
    if (size === 0) return digester;
    const path = pathFor({ kind: 'uploadData', name: state.name, id: state.id });
    const stream = await this.driver.reader(path, 0, { uncommitted: true });
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      digester.update(chunk);
      if (digester.size >= size) break;
    }
    if (digester.size !== size) {
      throw new RegistryError('BLOB_UPLOAD_INVALID', `upload ${state.id} could not be read back to resume it`);
    }
    return digester;
  }

  async #remove(state: UploadState): Promise<void> {
    this.#checkpoints.delete(`${state.name}/${state.id}`);
    // The data was moved or cancelled already; the state goes last, so a crash in between
    // leaves a session that reports its size rather than bytes nobody can find.
    await this.driver.delete(pathFor({ kind: 'uploadData', name: state.name, id: state.id })).catch(notFoundAs(undefined));
    await this.driver.delete(pathFor({ kind: 'uploadState', name: state.name, id: state.id })).catch(notFoundAs(undefined));
  }
}

function unknownUpload(id: string): RegistryError {
  return new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${JSON.stringify(id.slice(0, 80))} is not in progress in this repository`, {
    detail: { uuid: id.slice(0, 80) },
  });
}
