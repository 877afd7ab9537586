/**
 * The S3 requests the driver makes, one method each, bound to a bucket: they pass the
 * AbortSignal, turn "no such key" into `null` where a caller needs to tell, and wrap everything
 * else in an {@link S3StorageError} naming the request (see s3-errors.ts). Copies above the
 * multipart threshold and deletes of many keys are split here too.
 * @module
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { isMissingKey, isPreconditionFailed, toDriverError } from './s3-errors.js';
import { MAX_PART_SIZE, type ResolvedOptions } from './s3-options.js';

/** User metadata key holding a file's modification time when it differs from LastModified (a moved file). */
export const MTIME_META = 'wharf-mtime';
/** DeleteObjects takes at most this many keys. */
export const DELETE_BATCH = 1000;

/** What HEAD tells about an object. */
export interface ObjectHead {
  readonly size: number;
  readonly modTime: Date;
  readonly etag: string;
  readonly metadata: Record<string, string>;
}

/** A part of a multipart upload. */
export interface Part {
  readonly n: number;
  readonly etag: string;
  readonly size: number;
}

/** Any command of the S3 client (their precise types do not matter to `send`). */
type Sendable = { readonly input: object };
type Send = (command: Sendable, options: { abortSignal?: AbortSignal }) => Promise<unknown>;

export class S3Ops {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly options: ResolvedOptions,
  ) {}

  /** Send a command; rejects with the signal's reason once it fired, else a described error. */
  async send<T>(command: Sendable, what: string, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    try {
      return (await (this.client.send as Send).call(this.client, command, signal ? { abortSignal: signal } : {})) as T;
    } catch (error) {
      throw toDriverError(error, what, signal);
    }
  }

  /** Like {@link send}, but resolves `null` when the key does not exist. */
  async sendOrNull<T>(command: Sendable, what: string, signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.send<T>(command, what, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (isMissingKey((error as { cause?: unknown }).cause)) return null;
      throw error;
    }
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectHead | null> {
    const out = await this.sendOrNull<{ ContentLength?: number; LastModified?: Date; ETag?: string; Metadata?: Record<string, string> }>(
      new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      `HeadObject ${key}`,
      signal,
    );
    if (!out) return null;
    const metadata = out.Metadata ?? {};
    const stamped = metadata[MTIME_META] ? new Date(metadata[MTIME_META]) : undefined;
    return {
      size: out.ContentLength ?? 0,
      modTime: stamped && !Number.isNaN(stamped.getTime()) ? stamped : (out.LastModified ?? new Date()),
      etag: out.ETag ?? '',
      metadata,
    };
  }

  /** GET an object (from `offset`, when given, to the end); `null` when missing. */
  async get(key: string, signal?: AbortSignal, range?: { start: number; end?: number }): Promise<GetResult | null> {
    const out = await this.sendOrNull<{ Body?: unknown; ContentLength?: number; ETag?: string }>(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
      }),
      `GetObject ${key}`,
      signal,
    );
    if (!out) return null;
    return { body: out.Body as Readable, size: out.ContentLength ?? 0, etag: out.ETag ?? '' };
  }

  /** GET a whole (small) object into memory; `null` when missing. */
  async getBytes(key: string, signal?: AbortSignal, range?: { start: number; end?: number }): Promise<Uint8Array | null> {
    const out = await this.get(key, signal, range);
    if (!out) return null;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of out.body) chunks.push(chunk as Buffer);
      const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw toDriverError(error, `GetObject ${key} (body)`, signal);
    }
  }

  /**
   * PUT an object. `ifNoneMatch: '*'` creates it only when absent; `ifMatch` replaces only that
   * version (Ceph 16 compares If-Match without the quotes, so a 412 is retried once unquoted).
   * @returns the new ETag.
   */
  async put(
    key: string,
    body: Uint8Array,
    signal?: AbortSignal,
    condition: { ifNoneMatch?: '*'; ifMatch?: string } = {},
  ): Promise<string> {
    const attempt = (ifMatch?: string) =>
      this.send<{ ETag?: string }>(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ...(condition.ifNoneMatch ? { IfNoneMatch: condition.ifNoneMatch } : {}),
          ...(ifMatch ? { IfMatch: ifMatch } : {}),
        }),
        `PutObject ${key}`,
        signal,
      );
    try {
      return (await attempt(condition.ifMatch)).ETag ?? '';
    } catch (error) {
      const unquoted = condition.ifMatch?.replaceAll('"', '');
      if (!unquoted || unquoted === condition.ifMatch || !isPreconditionFailed((error as { cause?: unknown }).cause)) throw error;
      return (await attempt(unquoted)).ETag ?? '';
    }
  }

  /**
   * Server-side copy `from` → `to`, replacing the metadata with `metadata` (so LastModified is
   * the time of the copy). Objects above the multipart threshold are copied in parts.
   * @param size the source's size when known (saves a HEAD above the threshold).
   * @returns false when the source does not exist.
   */
  async copy(
    from: string,
    to: string,
    signal?: AbortSignal,
    options: { size?: number; metadata?: Record<string, string>; ifMatch?: string } = {},
  ): Promise<boolean> {
    const metadata = options.metadata ?? {};
    let size = options.size;
    if (size === undefined || size <= this.options.multipartCopyThreshold) {
      try {
        await this.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: to,
            CopySource: this.copySource(from),
            MetadataDirective: 'REPLACE',
            Metadata: metadata,
            ...(options.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
          }),
          `CopyObject ${from} → ${to}`,
          signal,
        );
        return true;
      } catch (error) {
        if (signal?.aborted) throw error;
        const cause = (error as { cause?: unknown }).cause;
        if (isMissingKey(cause)) return false;
        // Too large for one CopyObject (the size was not known): copy in parts.
        if (size !== undefined) throw error;
        const head = await this.head(from, signal);
        if (!head) return false;
        if (head.size <= MAX_PART_SIZE) throw error;
        size = head.size;
      }
    }
    await this.multipartCopy(from, to, size, metadata, signal);
    return true;
  }

  /** Copy a large object in parts of `multipartCopyPartSize`, `copyConcurrency` at a time. */
  async multipartCopy(from: string, to: string, size: number, metadata: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const uploadId = await this.createUpload(to, signal, metadata);
    try {
      const step = this.options.multipartCopyPartSize;
      const ranges = Array.from({ length: Math.ceil(size / step) }, (_, i) => ({ n: i + 1, start: i * step, end: Math.min(size, (i + 1) * step) - 1 }));
      const parts: Part[] = [];
      await runLimited(ranges, this.options.copyConcurrency, async (r) => {
        parts.push({ n: r.n, etag: await this.copyPart(to, uploadId, r.n, from, signal, r), size: r.end - r.start + 1 });
      });
      await this.completeUpload(to, uploadId, parts, signal);
    } catch (error) {
      await this.abortUpload(to, uploadId).catch(() => {});
      throw error;
    }
  }

  async createUpload(key: string, signal?: AbortSignal, metadata?: Record<string, string>): Promise<string> {
    const out = await this.send<{ UploadId?: string }>(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ...(metadata ? { Metadata: metadata } : {}) }),
      `CreateMultipartUpload ${key}`,
      signal,
    );
    if (!out.UploadId) throw toDriverError(new Error('no UploadId in the response'), `CreateMultipartUpload ${key}`);
    return out.UploadId;
  }

  async uploadPart(key: string, uploadId: string, n: number, body: Uint8Array, signal?: AbortSignal): Promise<string> {
    const out = await this.send<{ ETag?: string }>(
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ContentLength: body.byteLength }),
      `UploadPart ${key} #${n}`,
      signal,
    );
    return out.ETag ?? '';
  }

  /** Copy (a byte range of) `from` as part `n`. */
  async copyPart(key: string, uploadId: string, n: number, from: string, signal?: AbortSignal, range?: { start: number; end: number }): Promise<string> {
    const out = await this.send<{ CopyPartResult?: { ETag?: string } }>(
      new UploadPartCopyCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: n,
        CopySource: this.copySource(from),
        ...(range ? { CopySourceRange: `bytes=${range.start}-${range.end}` } : {}),
      }),
      `UploadPartCopy ${from} → ${key} #${n}`,
      signal,
    );
    return out.CopyPartResult?.ETag ?? '';
  }

  async completeUpload(key: string, uploadId: string, parts: readonly Part[], signal?: AbortSignal): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.n - b.n).map((p) => ({ PartNumber: p.n, ETag: p.etag }));
    await this.send(
      new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: sorted } }),
      `CompleteMultipartUpload ${key}`,
      signal,
    );
  }

  async abortUpload(key: string, uploadId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }), `AbortMultipartUpload ${key}`, signal);
    } catch (error) {
      // Already completed or aborted: nothing left to abort.
      if ((error as { code?: string }).code !== 'NoSuchUpload' && !isMissingKey((error as { cause?: unknown }).cause)) throw error;
    }
  }

  /** Abort every unfinished multipart upload whose key starts with `prefix` (crash leftovers). */
  async abortUploadsUnder(prefix: string, signal?: AbortSignal): Promise<void> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await this.send<{
        Uploads?: { Key?: string; UploadId?: string }[];
        IsTruncated?: boolean;
        NextKeyMarker?: string;
        NextUploadIdMarker?: string;
      }>(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
        `ListMultipartUploads ${prefix}`,
        signal,
      );
      for (const u of out.Uploads ?? []) {
        if (u.Key && u.UploadId) await this.abortUpload(u.Key, u.UploadId, signal);
      }
      if (!out.IsTruncated || !out.NextKeyMarker) return;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  /** One page of a listing. */
  async listPage(
    prefix: string,
    options: { delimiter?: string; token?: string; maxKeys?: number },
    signal?: AbortSignal,
  ): Promise<{ keys: string[]; prefixes: string[]; next?: string }> {
    const out = await this.send<{
      Contents?: { Key?: string }[];
      CommonPrefixes?: { Prefix?: string }[];
      IsTruncated?: boolean;
      NextContinuationToken?: string;
    }>(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
        ...(options.token ? { ContinuationToken: options.token } : {}),
        ...(options.maxKeys ? { MaxKeys: options.maxKeys } : {}),
      }),
      `ListObjectsV2 ${prefix}`,
      signal,
    );
    return {
      keys: (out.Contents ?? []).flatMap((c) => (c.Key !== undefined ? [c.Key] : [])),
      prefixes: (out.CommonPrefixes ?? []).flatMap((c) => (c.Prefix !== undefined ? [c.Prefix] : [])),
      ...(out.IsTruncated && out.NextContinuationToken ? { next: out.NextContinuationToken } : {}),
    };
  }

  /** Every key under `prefix`, page by page. */
  async *listKeys(prefix: string, signal?: AbortSignal): AsyncGenerator<string[]> {
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, { ...(token ? { token } : {}) }, signal);
      if (page.keys.length > 0) yield page.keys;
      token = page.next;
    } while (token);
  }

  /** True when at least one key starts with `prefix`. */
  async anyUnder(prefix: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.listPage(prefix, { maxKeys: 1 }, signal)).keys.length > 0;
  }

  async deleteOne(key: string, signal?: AbortSignal): Promise<void> {
    await this.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), `DeleteObject ${key}`, signal);
  }

  /** Delete keys in batches of 1000 (missing keys are fine). */
  async deleteKeys(keys: readonly string[], signal?: AbortSignal): Promise<void> {
    if (keys.length === 1) return this.deleteOne(keys[0]!, signal);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.send<{ Errors?: { Key?: string; Code?: string; Message?: string }[] }>(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        `DeleteObjects (${batch.length} keys from ${batch[0]})`,
        signal,
      );
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0]!;
        throw toDriverError(new Error(`${failed.length} keys not deleted, first ${first.Key}: ${first.Code} ${first.Message ?? ''}`), 'DeleteObjects');
      }
    }
  }

  /** Delete every key under `prefix`, listing and deleting page by page; returns how many. */
  async deleteUnder(prefix: string, signal?: AbortSignal): Promise<number> {
    let count = 0;
    for await (const keys of this.listKeys(prefix, signal)) {
      await this.deleteKeys(keys, signal);
      count += keys.length;
    }
    return count;
  }

  private copySource(key: string): string {
    return `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }
}

/** A GET's streaming body. */
export interface GetResult {
  readonly body: Readable;
  readonly size: number;
  readonly etag: string;
}

/** Run `work` over `items` with at most `limit` at a time; the first failure rejects (after the others settle). */
export async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}
