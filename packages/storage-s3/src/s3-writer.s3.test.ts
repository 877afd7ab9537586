/**
 * The multipart writer against a real S3 server: what it stores in the bucket, resuming in a
 * second driver instance (another process, as far as S3 can tell), read-back, conflicts.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { StorageError } from '@wharf/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from './request-counter.js';
import type { S3Storage } from './s3-storage.js';
import { dropStorage, freshStorage, s3Env } from './test-support.js';

const env = s3Env();
const MiB = 1 << 20;
const PART = 5 * MiB;

function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
const sha = (...chunks: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe.skipIf(!env)('S3 writer on a real server', () => {
  let a: S3Storage;
  let b: S3Storage;
  beforeAll(async () => {
    a = await freshStorage(env!, { partSize: PART });
    // the same prefix through another client: a second process as far as S3 can tell
    b = await freshStorage(env!, { partSize: PART, prefix: a.keys.prefix });
  });
  afterAll(async () => {
    await dropStorage(a);
    b?.destroy();
  });

  /** Keys of the writers' tree under this run's prefix, relative to it. */
  async function writerKeys(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await a.client.send(new ListObjectsV2Command({ Bucket: a.bucket, Prefix: a.keys.writers, ...(token ? { ContinuationToken: token } : {}) }));
      for (const c of res.Contents ?? []) out.push(c.Key!.slice(a.keys.writers.length));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }
  async function openUploads(): Promise<number> {
    const res = await a.client.send(new ListMultipartUploadsCommand({ Bucket: a.bucket, Prefix: a.keys.writers }));
    return res.Uploads?.length ?? 0;
  }

  it('should stream full parts into a multipart upload and keep the tail as its own object on close', async () => {
    const data = bytes(2 * PART + 1234, 1);
    const w = await a.writer('/up/one');
    for (let at = 0; at < data.length; at += 300_001) await w.write(data.subarray(at, at + 300_001));
    await w.close();
    const keys = await writerKeys();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe('up/one#state');
    expect(keys[1]).toMatch(/^up\/one#tail-[0-9a-f]{16}$/);
    expect(await openUploads()).toBe(1);
    const stored = await a.client.send(new GetObjectCommand({ Bucket: a.bucket, Key: `${a.keys.writers}up/one#state` }));
    const state = JSON.parse(await stored.Body!.transformToString());
    expect(state).toMatchObject({ v: 1, size: data.length, upload: { parts: [{ n: 1, size: PART }, { n: 2, size: PART }] }, tail: { size: 1234 } });

    // another process resumes, appends, commits
    const more = bytes(PART + 7, 2);
    const resumed = await b.writer('/up/one', { append: true });
    expect(resumed.size).toBe(data.length);
    await resumed.write(more);
    await resumed.commit();
    expect(sha(await a.getContent('/up/one'))).toBe(sha(data, more));
    expect(await writerKeys()).toEqual([]);
    expect(await openUploads()).toBe(0);
    await a.delete('/up');
  });

  it('should commit a closed upload without new bytes by completing it and copying server side', async () => {
    const data = bytes(PART + 99, 3);
    const w = await a.writer('/up/two');
    await w.write(data);
    await w.close();
    const counter = countRequests(b.client);
    const resumed = await b.writer('/up/two', { append: true });
    await resumed.commit();
    // GET state, UploadPartCopy (tail as the last part), Complete, CopyObject, DeleteObjects
    expect(counter.byOperation).toEqual({ GetObject: 1, UploadPartCopy: 1, CompleteMultipartUpload: 1, CopyObject: 1, DeleteObjects: 1 });
    counter.remove();
    expect(sha(await a.getContent('/up/two'))).toBe(sha(data));
    expect(await writerKeys()).toEqual([]);
    await a.delete('/up');
  });

  it('should put small content in one request and use no state at all', async () => {
    const counter = countRequests(a.client);
    const w = await a.writer('/small');
    await w.write(bytes(1000, 4));
    await w.commit();
    expect(counter.byOperation).toEqual({ GetObject: 1, PutObject: 1 });
    counter.remove();
    await a.delete('/small');
  });

  it('should read back an upload with parts in another process, then resume from that base', async () => {
    const first = bytes(2 * PART + 500_000, 5);
    const w = await a.writer('/up/three');
    await w.write(first);
    await w.close();
    // read back in "another process": completes the upload at the hidden data key
    expect(sha(await readAll(await b.reader('/up/three', 0, { uncommitted: true })))).toBe(sha(first));
    expect(sha(await readAll(await b.reader('/up/three', PART + 3, { uncommitted: true })))).toBe(sha(first.subarray(PART + 3)));
    await expect(a.stat('/up/three')).rejects.toThrow(/not found/);
    expect(await openUploads()).toBe(0);
    // append after the read-back: the base's aligned bytes are copied as parts, its end re-read
    const second = bytes(3 * PART, 6);
    const resumed = await a.writer('/up/three', { append: true });
    expect(resumed.size).toBe(first.length);
    await resumed.write(second.subarray(0, 100));
    await resumed.close();
    const again = await b.writer('/up/three', { append: true });
    expect(again.size).toBe(first.length + 100);
    await again.write(second.subarray(100));
    await again.commit();
    expect(sha(await a.getContent('/up/three'))).toBe(sha(first, second));
    expect(await writerKeys()).toEqual([]);
    await a.delete('/up');
  });

  it('should refuse the second of two processes resuming the same upload at once', async () => {
    const w = await a.writer('/race');
    await w.write(bytes(1000, 7));
    await w.close();
    const one = await a.writer('/race', { append: true });
    const two = await b.writer('/race', { append: true });
    await one.write(bytes(10, 8));
    await two.write(bytes(20, 9));
    await one.close();
    await expect(two.close()).rejects.toBeInstanceOf(StorageError);
    const check = await a.writer('/race', { append: true });
    expect(check.size).toBe(1010);
    await check.cancel();
    await two.cancel();
    expect(await writerKeys()).toEqual([]);
  });

  it('should abort the multipart upload and delete every key on cancel, and on a fresh open', async () => {
    const w = await a.writer('/gone/file');
    await w.write(bytes(PART + 10, 10));
    await w.close();
    expect(await openUploads()).toBe(1);
    const fresh = await b.writer('/gone/file');
    expect(fresh.size).toBe(0);
    expect(await openUploads()).toBe(0);
    expect(await writerKeys()).toEqual([]);
    await fresh.write(bytes(PART + 10, 11));
    await fresh.close();
    const again = await a.writer('/gone/file', { append: true });
    await again.cancel();
    expect(await openUploads()).toBe(0);
    expect(await writerKeys()).toEqual([]);
  });

  it('should discard unfinished writers beneath a deleted directory', async () => {
    await a.putContent('/dir/kept', bytes(10, 12));
    const w = await a.writer('/dir/sub/upload');
    await w.write(bytes(PART + 1, 13));
    await w.close();
    await a.delete('/dir');
    expect(await openUploads()).toBe(0);
    expect(await writerKeys()).toEqual([]);
  });
});
