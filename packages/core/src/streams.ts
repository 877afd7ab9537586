/**
 * Small Web-stream helpers. Bodies are `ReadableStream<Uint8Array>` everywhere in core, so
 * these work the same on Node, Bun and any Fetch runtime.
 * @module
 */

/**
 * Read a stream whole, refusing more than `maxBytes`.
 * @returns the bytes, or `null` when the stream is longer than `maxBytes` (it is cancelled).
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] ?? new Uint8Array(0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Pass through only the first `length` bytes of a stream, then cancel the source. Used to
 * serve a byte range from a reader that starts at an offset.
 */
export function limitStream(source: ReadableStream<Uint8Array>, length: number): ReadableStream<Uint8Array> {
  let remaining = length;
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (remaining <= 0) {
        controller.close();
        await reader.cancel().catch(() => {});
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      if (value.byteLength >= remaining) {
        controller.enqueue(value.subarray(0, remaining));
        remaining = 0;
        controller.close();
        await reader.cancel().catch(() => {});
        return;
      }
      remaining -= value.byteLength;
      controller.enqueue(value);
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
    },
  });
}

/** A stream of one byte array. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Discard the rest of a request body so a keep-alive connection stays usable. */
export async function drain(stream: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!stream) return;
  await stream.cancel().catch(() => {});
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
