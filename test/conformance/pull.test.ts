// Pull (spec "Pull"): end-2 and end-3, GET and HEAD, for manifests and blobs.
import { describe, expect, it } from 'vitest';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, errorCodes, random, rawRequest, repoName, sha256, unknownDigest } from './client.js';
import { legacy, useRegistry } from './harness.js';

const client = useRegistry();

describe('pull manifests (end-3)', () => {
  it('should GET a manifest by tag with its exact bytes, Content-Type, Docker-Content-Digest and Content-Length', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const res = await client.fetch(`/v2/${repo}/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(image.body);
    expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(res.headers.get('docker-content-digest')).toBe(image.digest);
    expect(res.headers.get('content-length')).toBe(String(image.size));
  });

  it('should GET a manifest by digest with its exact bytes and headers', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const res = await client.fetch(`/v2/${repo}/manifests/${image.digest}`, { headers: { accept: OCI_MANIFEST } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toBe(image.body);
    expect(sha256(body)).toBe(image.digest);
    expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(res.headers.get('docker-content-digest')).toBe(image.digest);
    expect(res.headers.get('content-length')).toBe(String(image.size));
  });

  it('should HEAD a manifest by tag and by digest with 200, Content-Length and Docker-Content-Digest', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    for (const ref of ['v1', image.digest]) {
      const res = await client.fetch(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(image.size));
      expect(res.headers.get('docker-content-digest')).toBe(image.digest);
      expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
    }
  });

  it('should answer 404 MANIFEST_UNKNOWN to GET and 404 to HEAD of an unknown tag or digest', async () => {
    const repo = repoName('pull');
    await client.pushImage(repo, 'v1');
    for (const ref of ['nope', unknownDigest()]) {
      const get = await client.fetch(`/v2/${repo}/manifests/${ref}`);
      expect(get.status).toBe(404);
      expect(await errorCodes(get)).toContain('MANIFEST_UNKNOWN');
      const head = await client.fetch(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD' });
      expect(head.status).toBe(404);
    }
  });

  it('should answer 404 for a manifest of another repository and for a repository that does not exist', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const other = repoName('pull');
    await client.pushImage(other, 'v2');
    expect((await client.fetch(`/v2/${other}/manifests/${image.digest}`)).status).toBe(404);
    expect((await client.fetch(`/v2/${other}/manifests/v1`)).status).toBe(404);
    expect((await client.fetch(`/v2/${repoName('absent')}/manifests/v1`)).status).toBe(404);
  });

  it('should send an ETag and answer 304 Not Modified to a matching If-None-Match', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const first = await client.fetch(`/v2/${repo}/manifests/${image.digest}`, { headers: { accept: OCI_MANIFEST } });
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await client.fetch(`/v2/${repo}/manifests/${image.digest}`, {
      headers: { accept: OCI_MANIFEST, 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const stale = await client.fetch(`/v2/${repo}/manifests/v1`, {
      headers: { accept: OCI_MANIFEST, 'if-none-match': '"sha256:0000"' },
    });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(image.body);
  });

  it('should serve the stored type when Accept lists several media types in one header', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const res = await client.fetch(`/v2/${repo}/manifests/v1`, {
      headers: { accept: `${DOCKER_LIST}, ${OCI_INDEX}, ${DOCKER_MANIFEST}, ${OCI_MANIFEST};q=0.9` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(await res.text()).toBe(image.body);
  });

  it('should serve the stored type when Accept is sent as several separate headers', async () => {
    const repo = repoName('pull');
    const image = await client.pushImage(repo, 'v1');
    const res = await rawRequest(client.url(`/v2/${repo}/manifests/v1`), 'GET', {
      accept: [DOCKER_MANIFEST, DOCKER_LIST, OCI_INDEX, OCI_MANIFEST],
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(OCI_MANIFEST);
    expect(res.headers['docker-content-digest']).toBe(image.digest);
    expect(res.body.toString()).toBe(image.body);
  });
});

describe('pull blobs (end-2)', () => {
  it('should GET a blob with its exact bytes, Docker-Content-Digest and Content-Length', async () => {
    const repo = repoName('pull');
    const data = random(1000);
    const digest = await client.uploadBlob(repo, data);
    const res = await client.fetch(`/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(body).equals(Buffer.from(data))).toBe(true);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-length')).toBe('1000');
  });

  it('should HEAD a blob with 200, Content-Length and Docker-Content-Digest', async () => {
    const repo = repoName('pull');
    const data = random(777);
    const digest = await client.uploadBlob(repo, data);
    const res = await client.fetch(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('777');
    expect(res.headers.get('docker-content-digest')).toBe(digest);
  });

  it('should answer 206 with Content-Range to Range: bytes=0-9', async () => {
    const repo = repoName('pull');
    const data = random(100);
    const digest = await client.uploadBlob(repo, data);
    const res = await client.fetch(`/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=0-9' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 0-9/100');
    expect(res.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(data.subarray(0, 10)))).toBe(true);
  });

  it('should answer 206 to an open-ended range', async () => {
    const repo = repoName('pull');
    const data = random(100);
    const digest = await client.uploadBlob(repo, data);
    const tail = await client.fetch(`/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=90-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe('bytes 90-99/100');
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(data.subarray(90)))).toBe(true);
  });

  it.skipIf(legacy('Distribution 2.8 answers 416 with a stale Content-Length and no body (Range is a SHOULD)'))(
    'should answer 416 with a well-framed response to an unsatisfiable range',
    async () => {
      const repo = repoName('pull');
      const digest = await client.uploadBlob(repo, random(100));
      const beyond = await client.fetch(`/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=200-300' } });
      expect(beyond.status).toBe(416);
      await beyond.arrayBuffer(); // fails if the body does not match the Content-Length sent
    },
  );

  it('should answer 304 to If-None-Match with the blob ETag', async () => {
    const repo = repoName('pull');
    const digest = await client.uploadBlob(repo, random(50));
    const first = await client.fetch(`/v2/${repo}/blobs/${digest}`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await client.fetch(`/v2/${repo}/blobs/${digest}`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('should answer 404 BLOB_UNKNOWN for a blob pushed only to another repository', async () => {
    const digest = await client.uploadBlob(repoName('pull'), random());
    const other = repoName('pull');
    await client.uploadBlob(other, random());
    const get = await client.fetch(`/v2/${other}/blobs/${digest}`);
    expect(get.status).toBe(404);
    expect(await errorCodes(get)).toContain('BLOB_UNKNOWN');
    expect((await client.fetch(`/v2/${other}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });
});
