/**
 * Streaming reads: an object from an offset (one ranged GET; a HEAD only when S3 answers 416,
 * to tell "offset at the end" from "past the end"), and the pieces of an unfinished writer
 * one after the other. Streams fail with the AbortSignal's reason once it fires.
 * @module
 */
import type { Readable } from 'node:stream';
import { InvalidOffsetError, PathNotFoundError } from '@wharf/core/storage';
import { statusOf, toDriverError } from './s3-errors.js';
import type { S3Ops } from './s3-ops.js';

/** A Node body as a web stream: pull-driven, failing with `signal.reason` after an abort. */
export function toWebStream(body: Readable, signal: AbortSignal | undefined, what: string): ReadableStream<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const onAbort = () => body.destroy(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => signal?.removeEventListener('abort', onAbort);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          signal?.throwIfAborted();
          const { done: end, value } = await iterator.next();
          signal?.throwIfAborted();
          if (end) {
            done();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          done();
          body.destroy();
          controller.error(toDriverError(error, `${what} (body)`, signal));
        }
      },
      cancel() {
        done();
        body.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Stream the object at `key` from `offset`.
 * @throws PathNotFoundError when it does not exist; InvalidOffsetError past its end.
 */
export async function objectStream(ops: S3Ops, key: string, path: string, offset: number, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  try {
    const got = await ops.get(key, signal, offset > 0 ? { start: offset } : undefined);
    if (!got) throw new PathNotFoundError(path);
    return toWebStream(got.body, signal, `GetObject ${key}`);
  } catch (error) {
    if (statusOf((error as { cause?: unknown }).cause) !== 416) throw error;
  }
  // 416: the offset is at or past the end; only HEAD can tell which.
  const head = await ops.head(key, signal);
  if (!head) throw new PathNotFoundError(path);
  if (offset === head.size) return emptyStream();
  throw new InvalidOffsetError(path, offset);
}

/** One stored piece of a longer content: `size` bytes at `key`. */
export interface Piece {
  readonly key: string;
  readonly size: number;
}

/** Stream the concatenation of `pieces` from `offset` (already checked against their total). */
export function piecesStream(ops: S3Ops, pieces: readonly Piece[], offset: number, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let skip = offset;
  const queue = pieces.filter((p) => {
    if (skip >= p.size) {
      skip -= p.size;
      return false;
    }
    return true;
  });
  let current: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            if (!current) {
              const piece = queue.shift();
              if (!piece) return controller.close();
              const got = await ops.get(piece.key, signal, { start: skip, end: piece.size - 1 });
              if (!got) throw toDriverError(new Error(`${piece.key} is missing`), 'reading an unfinished upload');
              skip = 0;
              current = toWebStream(got.body, signal, `GetObject ${piece.key}`).getReader();
            }
            const { done, value } = await current.read();
            if (!done) return controller.enqueue(value);
            current = undefined;
          }
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel(reason) {
        await current?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
}
