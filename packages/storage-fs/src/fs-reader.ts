/**
 * A Web `ReadableStream` over a byte range of an open file.
 * @module
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes per read: large reads are what make streaming a big blob fast. */
const READ_CHUNK = 1 << 20;

/**
 * Stream bytes `[start, end)` of `handle`, closing the handle at the end, on error or on
 * cancel. Pull-based, so the file is read only as fast as the consumer takes chunks (one
 * chunk is read ahead). Each chunk is a fresh buffer the consumer may keep.
 */
export function fileStream(handle: FileHandle, start: number, end: number, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let position = start;
  let closed = false;
  const release = async () => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        signal?.throwIfAborted();
        const length = Math.min(READ_CHUNK, end - position);
        if (length > 0) {
          // allocUnsafeSlow: not zero-filled, and never a slice of Node's shared pool.
          const buffer = Buffer.allocUnsafeSlow(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          position = bytesRead === 0 ? end : position + bytesRead; // 0: the file shrank; stop
          if (bytesRead > 0) controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead));
        }
        if (position >= end) {
          await release();
          controller.close();
        }
      } catch (error) {
        await release();
        throw error;
      }
    },
    cancel: release,
  });
}
