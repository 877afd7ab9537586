/**
 * The rest of the driver against a real S3 server: pagination past 1000 keys, batched
 * recursive delete, touch and move times, multipart copy, presigned redirects, and what
 * each call costs in requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from './request-counter.js';
import type { S3Storage } from './s3-storage.js';
import { dropStorage, freshStorage, s3Env } from './test-support.js';

const env = s3Env();
const MiB = 1 << 20;
const text = (s: string) => new TextEncoder().encode(s);

describe.skipIf(!env)('S3Storage on a real server', () => {
  let s3: S3Storage;
  beforeAll(async () => {
    s3 = await freshStorage(env!, { redirect: { expiresIn: 120 }, multipartCopyThreshold: 5 * MiB, multipartCopyPartSize: 5 * MiB });
  });
  afterAll(async () => {
    if (s3) await dropStorage(s3);
  });

  it('should list more than 1000 entries across pages and delete them in batches', async () => {
    const names = Array.from({ length: 1100 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 100) {
      await Promise.all(names.slice(i, i + 100).map((n) => s3.putContent(`/many/${n}`, text(n))));
    }
    await s3.putContent('/many/sub/deeper/x', text('x'));
    const counter = countRequests(s3.client);
    const listed = await s3.list('/many');
    expect(listed).toHaveLength(1101);
    expect(new Set(listed)).toEqual(new Set([...names.map((n) => `/many/${n}`), '/many/sub']));
    expect(counter.byOperation.ListObjectsV2).toBe(2);
    counter.reset();
    await s3.delete('/many');
    // HEAD (not a file), 2 pages listed and deleted, then the (empty) writers' tree
    expect(counter.byOperation).toMatchObject({ HeadObject: 1, ListObjectsV2: 3, DeleteObjects: 2, ListMultipartUploads: 1 });
    counter.remove();
    await expect(s3.stat('/many')).rejects.toThrow(/not found/);
  });

  it('should touch a moved file back to S3 time, and move with its modTime kept', async () => {
    await s3.putContent('/t/a', text('abc'));
    const written = await s3.stat('/t/a');
    await new Promise((r) => setTimeout(r, 1100));
    await s3.move('/t/a', '/t/b');
    const moved = await s3.stat('/t/b');
    expect(moved.modTime.getTime()).toBe(written.modTime.getTime());
    await s3.touch('/t/b');
    const touched = await s3.stat('/t/b');
    expect(touched.modTime.getTime()).toBeGreaterThan(written.modTime.getTime());
    expect(new TextDecoder().decode(await s3.getContent('/t/b'))).toBe('abc');
    await s3.delete('/t');
  });

  it('should move a file above the multipart threshold as a multipart copy', async () => {
    const data = new Uint8Array(12 * MiB + 3).map((_, i) => (i * 7) & 0xff);
    await s3.putContent('/big/src', data);
    const counter = countRequests(s3.client);
    await s3.move('/big/src', '/big/dest');
    expect(counter.byOperation).toEqual({ HeadObject: 1, CreateMultipartUpload: 1, UploadPartCopy: 3, CompleteMultipartUpload: 1, DeleteObject: 1 });
    counter.remove();
    const read = await s3.getContent('/big/dest');
    expect(read.byteLength).toBe(data.byteLength);
    expect(Buffer.compare(Buffer.from(read), Buffer.from(data))).toBe(0);
    await s3.delete('/big');
  });

  it('should give presigned GET and HEAD URLs a plain fetch can use', async () => {
    await s3.putContent('/r/blob', text('redirected bytes'));
    const get = await s3.redirectURL('/r/blob', { method: 'GET' });
    expect(get).toMatch(/X-Amz-Expires=120/);
    const res = await fetch(get!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('redirected bytes');
    const head = await fetch((await s3.redirectURL('/r/blob', { method: 'HEAD', expiresIn: 30 }))!, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('16');
    // a URL signed for GET does not work for PUT
    expect((await fetch(get!, { method: 'PUT', body: 'x' })).status).toBe(403);
    await s3.delete('/r');
  });

  it('should cost one request per read, write and touch, two per stat of a directory or missing path, one with fileOnly', async () => {
    await s3.putContent('/c/file', text('0123456789'));
    const counter = countRequests(s3.client);
    const cost = async (run: () => Promise<unknown>) => {
      counter.reset();
      await run();
      return counter.total;
    };
    expect(await cost(() => s3.getContent('/c/file'))).toBe(1);
    expect(await cost(() => s3.putContent('/c/file', text('0123456789')))).toBe(1);
    expect(await cost(async () => new Response(await s3.reader('/c/file', 4)).arrayBuffer())).toBe(1);
    expect(await cost(async () => new Response(await s3.reader('/c/file', 10)).arrayBuffer())).toBe(2);
    expect(await cost(() => s3.stat('/c/file'))).toBe(1);
    expect(await cost(() => s3.stat('/c'))).toBe(2);
    expect(await cost(() => s3.stat('/c/missing').catch(() => null))).toBe(2);
    expect(await cost(() => s3.stat('/c/missing', { fileOnly: true }).catch(() => null))).toBe(1);
    expect(await cost(() => s3.touch('/c/file'))).toBe(1);
    expect(await cost(() => s3.list('/c'))).toBe(1);
    expect(await cost(() => s3.redirectURL('/c/file', { method: 'GET' }))).toBe(0);
    counter.remove();
    await s3.delete('/c');
  });
});

describe.skipIf(!env)('S3Storage without redirects', () => {
  it('should answer null from redirectURL by default', async () => {
    const s3 = await freshStorage(env!);
    expect(await s3.redirectURL('/x', { method: 'GET' })).toBeNull();
    s3.destroy();
  });
});
