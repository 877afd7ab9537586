/**
 * The resumable state of an unfinished writer, kept in the bucket as a small JSON object
 * beside its data (see s3-keys.ts), so that any process can take the upload up again.
 *
 * The content so far is, in order:
 * - `base`: bytes of a completed object at the writer's `data` key (after a read-back had to
 *   complete the multipart upload, see `materialize` in s3-writer.ts); never with `upload`;
 * - `upload`: the parts of an open multipart upload at the writer's `data` key, each except
 *   the last of the whole content at least 5 MiB (they are all `partSize`);
 * - `tail`: the bytes after the last part, smaller than a part, as an object of its own, since
 *   S3 parts must be at least 5 MiB unless they are the last one.
 *
 * The state object is the commit point of `close()`: a new tail gets a new key, is written
 * first, and becomes part of the content only when the state naming it is written.
 * @module
 */
import type { Part } from './s3-ops.js';

export interface WriterState {
  readonly v: 1;
  /** Bytes of the whole content. */
  readonly size: number;
  readonly base?: { readonly size: number };
  readonly upload?: { readonly id: string; readonly parts: readonly Part[] };
  readonly tail?: { readonly id: string; readonly size: number };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parse a stored state; `null` when it is not one (treated as no content). */
export function parseWriterState(bytes: Uint8Array): WriterState | null {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  const s = json as Partial<WriterState> | null;
  if (s?.v !== 1 || !isCount(s.size)) return null;
  if (s.base !== undefined && !isCount(s.base.size)) return null;
  if (s.tail !== undefined && !(isCount(s.tail.size) && typeof s.tail.id === 'string' && /^[a-z0-9]+$/.test(s.tail.id))) return null;
  if (s.upload !== undefined) {
    const { id, parts } = s.upload;
    if (typeof id !== 'string' || !Array.isArray(parts)) return null;
    if (!parts.every((p, i) => p && p.n === i + 1 && typeof p.etag === 'string' && isCount(p.size))) return null;
    if (s.base) return null;
  }
  const total = (s.base?.size ?? 0) + (s.upload?.parts.reduce((sum, p) => sum + p.size, 0) ?? 0) + (s.tail?.size ?? 0);
  return total === s.size ? (s as WriterState) : null;
}

export function encodeWriterState(state: WriterState): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(state));
}
