/**
 * Where a writer's state lives (s3-writer-state.ts has its format): loading and saving it,
 * conditionally so that two processes resuming one upload cannot drop each other's parts,
 * discarding a writer, and reading its content back before commit (see s3-writer.ts).
 * @module
 */
import { InvalidOffsetError, PathNotFoundError, StorageError } from '@wharf/core/storage';
import { isNoSuchUpload, isPreconditionFailed } from './s3-errors.js';
import type { WriterKeys } from './s3-keys.js';
import type { S3Ops } from './s3-ops.js';
import { piecesStream, type Piece } from './s3-reader.js';
import { encodeWriterState, parseWriterState, type WriterState } from './s3-writer-state.js';

/** What a writer needs to know about where it writes. */
export interface WriterTarget {
  readonly ops: S3Ops;
  /** The storage path (for errors). */
  readonly path: string;
  /** Key of the committed file. */
  readonly fileKey: string;
  readonly keys: WriterKeys;
  readonly signal?: AbortSignal;
}

export interface LoadedState {
  readonly state: WriterState;
  readonly etag: string;
}

/** Read a writer's state; `null` when there is none (or it is unreadable, which counts as none). */
export async function loadState(ops: S3Ops, keys: WriterKeys, signal?: AbortSignal): Promise<LoadedState | null> {
  const got = await ops.get(keys.state, signal);
  if (!got) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of got.body) chunks.push(chunk as Buffer);
  const state = parseWriterState(Buffer.concat(chunks));
  return state ? { state, etag: got.etag } : null;
}

/** Discard everything of a writer: its upload(s) and every key under its prefix. */
export async function discardWriter(ops: S3Ops, keys: WriterKeys, signal?: AbortSignal): Promise<void> {
  await ops.abortUploadsUnder(keys.prefix, signal);
  await ops.deleteUnder(keys.prefix, signal);
}

/**
 * Stream the content an unfinished writer left with `close()`, from `offset`; completes its
 * multipart upload first when it has one (see the module doc).
 * @throws PathNotFoundError when there is none; InvalidOffsetError past its end.
 */
export async function readUncommitted(target: WriterTarget, offset: number): Promise<ReadableStream<Uint8Array>> {
  const { ops, keys, signal, path } = target;
  const loaded = await loadState(ops, keys, signal);
  if (!loaded) throw new PathNotFoundError(path);
  let state = loaded.state;
  if (offset > state.size) throw new InvalidOffsetError(path, offset);
  if (state.upload) {
    const { id } = state.upload;
    const parts = [...state.upload.parts];
    if (state.tail) parts.push({ n: parts.length + 1, etag: await ops.copyPart(keys.data, id, parts.length + 1, keys.tail(state.tail.id), signal), size: state.tail.size });
    try {
      await ops.completeUpload(keys.data, id, parts, signal);
    } catch (error) {
      // Completed by an earlier read that died before it saved the new state?
      const head = isNoSuchUpload((error as { cause?: unknown }).cause) ? await ops.head(keys.data, signal) : null;
      if (head?.size !== state.size) throw error;
    }
    const materialized: WriterState = { v: 1, size: state.size, base: { size: state.size } };
    await saveState(ops, keys, path, materialized, loaded.etag, signal);
    if (state.tail) await ops.deleteOne(keys.tail(state.tail.id), signal).catch(() => {});
    state = materialized;
  }
  const pieces: Piece[] = [];
  if (state.base) pieces.push({ key: keys.data, size: state.base.size });
  if (state.tail) pieces.push({ key: keys.tail(state.tail.id), size: state.tail.size });
  return piecesStream(ops, pieces, offset, signal);
}

/** Write a writer's state, conditionally: on `etag` when replacing, only if absent when creating. @returns the new ETag */
export async function saveState(ops: S3Ops, keys: WriterKeys, path: string, state: WriterState, etag: string | undefined, signal?: AbortSignal): Promise<string> {
  try {
    return await ops.put(keys.state, encodeWriterState(state), signal, etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
  } catch (error) {
    if (signal?.aborted || !isPreconditionFailed((error as { cause?: unknown }).cause)) throw error;
    throw new StorageError(`the unfinished upload at ${path} was changed by another writer meanwhile`);
  }
}
