// Push blobs (spec "Pushing blobs"): end-4a/4b/4c, end-5, end-6, end-11, end-13, end-14.
import { describe, expect, it } from 'vitest';
import { type Bytes, OCTET, errorCodes, random, rawRequest, repoName, sha256, sha512, unknownDigest, withDigest } from './client.js';
import { legacy, useRegistry } from './harness.js';

const client = useRegistry();

async function expectBlob(repo: string, digest: string, data: Bytes): Promise<void> {
  expect(await client.getBlob(repo, digest)).toEqual({ status: 200, bytes: Buffer.from(data) });
}

describe('monolithic upload (end-4a, end-4b, end-6)', () => {
  it('should accept POST then PUT with 202 + Location, then 201 + a pullable Location', async () => {
    const repo = repoName('blobs');
    const data = random(300);
    const digest = sha256(data);
    const post = await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
    expect(post.status).toBe(202);
    const location = post.headers.get('location');
    expect(location).toBeTruthy();
    const put = await fetch(withDigest(client.url(location ?? ''), digest), { method: 'PUT', body: data, headers: OCTET });
    expect(put.status).toBe(201);
    const blobLocation = put.headers.get('location');
    expect(blobLocation).toBeTruthy();
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    const pulled = await client.fetch(blobLocation ?? '');
    expect(pulled.status).toBe(200);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
    const closed = await fetch(client.url(location ?? '')); // the session is over
    expect(closed.status).toBe(404);
    expect(await errorCodes(closed)).toContain('BLOB_UPLOAD_UNKNOWN');
  });

  it('should give each upload session its own Location', async () => {
    const repo = repoName('blobs');
    expect(await client.startUpload(repo)).not.toBe(await client.startUpload(repo));
  });

  it('should push an empty (zero-byte) blob', async () => {
    const repo = repoName('blobs');
    const digest = await client.uploadBlob(repo, new Uint8Array(0));
    expect(await client.getBlob(repo, digest)).toEqual({ status: 200, bytes: Buffer.alloc(0) });
    expect((await client.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).headers.get('content-length')).toBe('0');
  });

  it.skipIf(legacy('Distribution 2.8 ignores ?digest= on POST and answers 202 (single POST is a MAY)'))(
    'should create a blob with a single POST carrying the digest (201 + Location)',
    async () => {
      const repo = repoName('blobs');
      const data = random(200);
      const digest = sha256(data);
      const res = await client.fetch(`/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: data, headers: OCTET });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBeTruthy();
      await expectBlob(repo, digest, data);
    },
  );

  it.skipIf(legacy('Distribution 2.8 ignores ?digest= on POST'))(
    'should reject a single POST whose body does not match the digest with 400 DIGEST_INVALID',
    async () => {
      const repo = repoName('blobs');
      const res = await client.fetch(`/v2/${repo}/blobs/uploads/?digest=${unknownDigest()}`, { method: 'POST', body: random(), headers: OCTET });
      expect(res.status).toBe(400);
      expect(await errorCodes(res)).toContain('DIGEST_INVALID');
    },
  );

  it('should reject a closing PUT whose digest does not match the content with 400 DIGEST_INVALID', async () => {
    const repo = repoName('blobs');
    const location = await client.startUpload(repo);
    const res = await fetch(withDigest(location, unknownDigest()), { method: 'PUT', body: random(), headers: OCTET });
    expect(res.status).toBe(400);
    expect(await errorCodes(res)).toContain('DIGEST_INVALID');
  });

  it('should reject malformed and unsupported digests with 400', async () => {
    const repo = repoName('blobs');
    for (const bad of ['sha256:xyz', 'sha256:ABCDEF', 'nodigest', `sha1024:${'a'.repeat(64)}`]) {
      const location = await client.startUpload(repo);
      const res = await fetch(withDigest(location, bad), { method: 'PUT', body: random(), headers: OCTET });
      expect(res.status, bad).toBe(400);
      await res.arrayBuffer();
    }
  });

  it('should reject a closing PUT without a digest with 400', async () => {
    const location = await client.startUpload(repoName('blobs'));
    const res = await fetch(location, { method: 'PUT', body: random(), headers: OCTET });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  });
});

describe('chunked upload (end-5, end-13, end-14)', () => {
  it('should accept PATCH chunks with Content-Range (202, Location, Range) and an empty closing PUT', async () => {
    const repo = repoName('blobs');
    const data = random(2500);
    let location = await client.startUpload(repo);
    for (const [start, end] of [[0, 1000], [1000, 2000], [2000, 2500]] as const) {
      const res = await client.patch(location, data.subarray(start, end), start);
      expect(res.status).toBe(202);
      expect(res.headers.get('range')).toBe(`0-${end - 1}`);
      const next = res.headers.get('location');
      expect(next).toBeTruthy();
      location = client.url(next ?? '');
    }
    const put = await fetch(withDigest(location, sha256(data)), { method: 'PUT' });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBeTruthy();
    await expectBlob(repo, sha256(data), data);
  });

  it('should accept the final chunk in the closing PUT', async () => {
    const repo = repoName('blobs');
    const data = random(2000);
    const res = await client.patch(await client.startUpload(repo), data.subarray(0, 1200), 0);
    expect(res.status).toBe(202);
    const location = client.url(res.headers.get('location') ?? '');
    const put = await client.closeUpload(location, sha256(data), data.subarray(1200), '1200-1999');
    expect(put.status).toBe(201);
    await expectBlob(repo, sha256(data), data);
  });

  it('should accept a PATCH streamed without Content-Length (node:http, chunked transfer coding)', async () => {
    const repo = repoName('blobs');
    const data = random(3000);
    const location = await client.startUpload(repo);
    const res = await rawRequest(location, 'PATCH', OCTET, [data.subarray(0, 1000), data.subarray(1000, 2000), data.subarray(2000)]);
    expect(res.status).toBe(202);
    expect(res.headers.range).toBe('0-2999');
    const put = await fetch(withDigest(client.url(String(res.headers.location)), sha256(data)), { method: 'PUT' });
    expect(put.status).toBe(201);
    await expectBlob(repo, sha256(data), data);
  });

  it('should accept a PATCH streamed from a ReadableStream body (fetch, duplex half)', async () => {
    const repo = repoName('blobs');
    const data = random(4096);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < data.byteLength; i += 1024) controller.enqueue(data.slice(i, i + 1024));
        controller.close();
      },
    });
    const res = await fetch(await client.startUpload(repo), { method: 'PATCH', body: stream, headers: OCTET, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(202);
    expect(res.headers.get('range')).toBe('0-4095');
    const put = await fetch(withDigest(client.url(res.headers.get('location') ?? ''), sha256(data)), { method: 'PUT' });
    expect(put.status).toBe(201);
    await expectBlob(repo, sha256(data), data);
  });

  it('should answer 416 to an out-of-order chunk and keep the session usable', async () => {
    const repo = repoName('blobs');
    const data = random(300);
    const first = await client.patch(await client.startUpload(repo), data.subarray(0, 100), 0);
    expect(first.status).toBe(202);
    let location = client.url(first.headers.get('location') ?? '');
    const skipped = await client.patch(location, data.subarray(200, 300), 200);
    expect(skipped.status).toBe(416);
    await skipped.arrayBuffer();
    const status = await fetch(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-99');
    location = client.url(status.headers.get('location') ?? location);
    const second = await client.patch(location, data.subarray(100, 300), 100);
    expect(second.status).toBe(202);
    location = client.url(second.headers.get('location') ?? '');
    const put = await fetch(withDigest(location, sha256(data)), { method: 'PUT' });
    expect(put.status).toBe(201);
    await expectBlob(repo, sha256(data), data);
  });

  it.skipIf(legacy('out-of-order final chunk on PUT → 416 is only in distribution-spec main'))(
    'should answer 416 to an out-of-order final chunk in the closing PUT',
    async () => {
      const data = random(300);
      const first = await client.patch(await client.startUpload(repoName('blobs')), data.subarray(0, 100), 0);
      const location = client.url(first.headers.get('location') ?? '');
      const put = await client.closeUpload(location, sha256(data), data.subarray(150), '150-299');
      expect(put.status).toBe(416);
      await put.arrayBuffer();
    },
  );

  it('should report upload status with 204, Location and Range', async () => {
    const repo = repoName('blobs');
    const res = await client.patch(await client.startUpload(repo), random(64), 0);
    const location = client.url(res.headers.get('location') ?? '');
    const status = await fetch(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-63');
    expect(status.headers.get('location')).toBeTruthy();
    expect((await status.arrayBuffer()).byteLength).toBe(0);
  });

  it('should cancel an upload with DELETE (204), after which it is 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const repo = repoName('blobs');
    const res = await client.patch(await client.startUpload(repo), random(64), 0);
    const location = client.url(res.headers.get('location') ?? '');
    const del = await fetch(location, { method: 'DELETE', headers: { 'content-length': '0' } });
    expect(del.status).toBe(204);
    const status = await fetch(location);
    expect(status.status).toBe(404);
    expect(await errorCodes(status)).toContain('BLOB_UPLOAD_UNKNOWN');
    const more = await client.patch(location, random(10), 64);
    expect(more.status).toBe(404);
    expect(await errorCodes(more)).toContain('BLOB_UPLOAD_UNKNOWN');
    const again = await fetch(location, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await errorCodes(again)).toContain('BLOB_UPLOAD_UNKNOWN');
  });

  it.skipIf(legacy('Distribution needs its own _state query parameter and answers BLOB_UPLOAD_INVALID without it'))(
    'should answer 404 BLOB_UPLOAD_UNKNOWN for a session that was never started',
    async () => {
      const repo = repoName('blobs');
      await client.uploadBlob(repo, random());
      const location = client.url(`/v2/${repo}/blobs/uploads/${crypto.randomUUID()}`);
      for (const res of [
        await fetch(location),
        await client.patch(location, random(10), 0),
        await fetch(withDigest(location, unknownDigest()), { method: 'PUT', body: random(), headers: OCTET }),
      ]) {
        expect(res.status).toBe(404);
        expect(await errorCodes(res)).toContain('BLOB_UPLOAD_UNKNOWN');
      }
    },
  );

  it.skipIf(legacy('Distribution 2.8 has no ?digest-algorithm= (distribution-spec main, end-4c)'))(
    'should push a sha512 blob when the upload asks for digest-algorithm=sha512',
    async () => {
      const repo = repoName('blobs');
      const data = random(500);
      const digest = sha512(data);
      const location = await client.startUpload(repo, '?digest-algorithm=sha512');
      const put = await fetch(withDigest(location, digest), { method: 'PUT', body: data, headers: OCTET });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      await expectBlob(repo, digest, data);
      const head = await client.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
      expect(head.headers.get('docker-content-digest')).toBe(digest);
    },
  );
});

describe('cross-repository mount (end-11)', () => {
  it('should mount a blob from another repository with 201, Location and Docker-Content-Digest', async () => {
    const from = repoName('mount-src');
    const to = repoName('mount-dst');
    const data = random(128);
    const digest = await client.uploadBlob(from, data);
    const res = await client.fetch(`/v2/${to}/blobs/uploads/?mount=${digest}&from=${from}`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    const pulled = await client.fetch(res.headers.get('location') ?? '');
    expect(pulled.status).toBe(200);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
    await expectBlob(to, digest, data);
  });

  it('should open an upload session (202) when the blob to mount is unknown', async () => {
    const from = repoName('mount-src');
    await client.uploadBlob(from, random());
    const to = repoName('mount-dst');
    const data = random(64);
    const res = await client.fetch(`/v2/${to}/blobs/uploads/?mount=${unknownDigest()}&from=${from}`, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    expect(res.status).toBe(202);
    const location = res.headers.get('location');
    expect(location).toBeTruthy();
    const put = await fetch(withDigest(client.url(location ?? ''), sha256(data)), { method: 'PUT', body: data, headers: OCTET });
    expect(put.status).toBe(201);
    await expectBlob(to, sha256(data), data);
  });

  it.skipIf(legacy('Distribution 2.8 ignores mount= without from= and opens a session (from is optional: MAY)'))(
    'should mount an existing blob without from= (201)',
    async () => {
      const data = random(100);
      const digest = await client.uploadBlob(repoName('mount-src'), data);
      const to = repoName('mount-dst');
      const res = await client.fetch(`/v2/${to}/blobs/uploads/?mount=${digest}`, { method: 'POST', headers: { 'content-length': '0' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBeTruthy();
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      await expectBlob(to, digest, data);
    },
  );
});
