// Push manifests (spec "Pushing Manifests"): end-7a and end-7b.
import { describe, expect, it } from 'vitest';
import {
  DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, HELM_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST,
  descriptorOf, errorBody, errorCodes, random, randomHex, repoName, sha256, sha512, unknownDigest,
} from './client.js';
import { legacy, useRegistry } from './harness.js';

const client = useRegistry();
const ociTags = (res: Response): string[] => (res.headers.get('oci-tag') ?? '').split(/\s*,\s*/).filter(Boolean);

async function expectManifest(repo: string, ref: string, body: string, mediaType: string): Promise<void> {
  const res = await client.fetch(`/v2/${repo}/manifests/${ref}`, { headers: { accept: mediaType } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(mediaType);
  expect(await res.text()).toBe(body);
}

describe('push manifests (end-7)', () => {
  it('should push an OCI image manifest by tag with 201, a pullable Location and Docker-Content-Digest', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{"architecture":"amd64","os":"linux"}');
    const layer = await client.blob(repo, OCI_LAYER);
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
    const res = await client.putManifest(repo, 'v1', body, OCI_MANIFEST);
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(sha256(body));
    const location = res.headers.get('location');
    expect(location).toBeTruthy();
    const pulled = await client.fetch(location ?? '', { headers: { accept: OCI_MANIFEST } });
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe(body);
    await expectManifest(repo, 'v1', body, OCI_MANIFEST);
  });

  it('should push by digest and store the exact bytes sent', async () => {
    const repo = repoName('manifests');
    const layer = await client.blob(repo, OCI_LAYER);
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
    const body = `{\n   "schemaVersion" : 2,\t"mediaType": "${OCI_MANIFEST}",\n "config": ${JSON.stringify(config)},  "layers": [${JSON.stringify(layer)}] }\n\n`;
    const digest = sha256(body);
    const res = await client.putManifest(repo, digest, body, OCI_MANIFEST);
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('location')).toBeTruthy();
    await expectManifest(repo, digest, body, OCI_MANIFEST);
  });

  it('should ignore parameters on the pushed Content-Type and serve the bare media type', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [await client.blob(repo, OCI_LAYER)] });
    const res = await client.putManifest(repo, 'param', body, `${OCI_MANIFEST}; charset=utf-8`);
    expect(res.status).toBe(201);
    await expectManifest(repo, 'param', body, OCI_MANIFEST);
  });

  it('should serve the pushed Content-Type for a manifest without a mediaType field', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
    const body = JSON.stringify({ schemaVersion: 2, config, layers: [await client.blob(repo, OCI_LAYER)] });
    expect((await client.putManifest(repo, 'bare', body, OCI_MANIFEST)).status).toBe(201);
    await expectManifest(repo, 'bare', body, OCI_MANIFEST);
  });

  it.skipIf(legacy('Distribution 2.8 hashes manifests with sha256 only: 400 DIGEST_INVALID for a sha512 reference (sha512 is a MAY)'))(
    'should push by a sha512 digest and answer with that same digest',
    async () => {
      const repo = repoName('manifests');
      const image = await client.pushImage(repo);
      const body = image.body.replace(/}$/, ', "annotations": {"k": "sha512"}}');
      const digest = sha512(body);
      const res = await client.putManifest(repo, digest, body, OCI_MANIFEST);
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      await expectManifest(repo, digest, body, OCI_MANIFEST);
    },
  );

  it('should move a tag to the manifest pushed last', async () => {
    const repo = repoName('manifests');
    await client.pushImage(repo, 'latest');
    const second = await client.pushImage(repo, 'latest');
    await expectManifest(repo, 'latest', second.body, OCI_MANIFEST);
  });

  it('should push an OCI index whose children exist', async () => {
    const repo = repoName('manifests');
    const amd = await client.pushImage(repo);
    const arm = await client.pushImage(repo);
    const index = await client.push(repo, 'multi', {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...descriptorOf(amd), platform: { architecture: 'amd64', os: 'linux' } },
        { ...descriptorOf(arm), platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    expect(index.response.headers.get('docker-content-digest')).toBe(index.digest);
    await expectManifest(repo, 'multi', index.body, OCI_INDEX);
  });

  it('should reject an OCI index with a missing child with 400 MANIFEST_BLOB_UNKNOWN', async () => {
    const repo = repoName('manifests');
    const present = await client.pushImage(repo);
    const missing = unknownDigest();
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [descriptorOf(present), { mediaType: OCI_MANIFEST, digest: missing, size: 500 }],
    });
    const res = await client.putManifest(repo, 'broken', body, OCI_INDEX);
    expect(res.status).toBe(400);
    expect(await errorCodes(res)).toContain('MANIFEST_BLOB_UNKNOWN');
  });

  it('should push a Docker schema2 manifest and a manifest list, served with their media types', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, DOCKER_CONFIG, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const layer = await client.blob(repo, DOCKER_LAYER);
    const image = await client.push(repo, 'docker', { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [layer] });
    await expectManifest(repo, 'docker', image.body, DOCKER_MANIFEST);
    const list = await client.push(repo, 'list', {
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [{ ...descriptorOf(image), platform: { architecture: 'amd64', os: 'linux' } }],
    });
    await expectManifest(repo, 'list', list.body, DOCKER_LIST);
    await expectManifest(repo, list.digest, list.body, DOCKER_LIST);
  });

  it('should push an artifact with artifactType and a non-image config type (Helm chart)', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, HELM_CONFIG, JSON.stringify({ name: 'chart', version: '0.1.0', apiVersion: 'v2' }));
    const chart = await client.blob(repo, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip');
    const artifact = await client.push(repo, '0.1.0', {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.cncf.helm.chart.v1',
      config,
      layers: [chart],
      annotations: { 'org.opencontainers.image.title': 'chart' },
    });
    await expectManifest(repo, '0.1.0', artifact.body, OCI_MANIFEST);
  });

  it('should push an artifact using the empty descriptor as config', async () => {
    const repo = repoName('manifests');
    const empty = await client.blob(repo, OCI_EMPTY, '{}');
    expect(empty.digest).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    const artifact = await client.push(repo, 'sbom', {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom.v1',
      config: empty,
      layers: [await client.blob(repo, 'application/vnd.example.sbom.v1+json', '{"sbom":true}')],
    });
    await expectManifest(repo, 'sbom', artifact.body, OCI_MANIFEST);
  });

  it('should reject a manifest referencing a missing blob with 400 MANIFEST_BLOB_UNKNOWN naming the digest', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
    const missing = unknownDigest();
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [{ mediaType: OCI_LAYER, digest: missing, size: 10 }] });
    const res = await client.putManifest(repo, 'v1', body, OCI_MANIFEST);
    expect(res.status).toBe(400);
    const errors = (await errorBody(res)).errors.filter((e) => e.code === 'MANIFEST_BLOB_UNKNOWN');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => `${e.message ?? ''} ${JSON.stringify(e.detail ?? null)}`.includes(missing))).toBe(true);
  });

  it('should reject invalid JSON with 400 MANIFEST_INVALID', async () => {
    const res = await client.putManifest(repoName('manifests'), 'v1', '{"schemaVersion": 2, "mediaType": ', OCI_MANIFEST);
    expect(res.status).toBe(400);
    expect(await errorCodes(res)).toContain('MANIFEST_INVALID');
  });

  it('should accept a manifest of nearly 4 MiB', async () => {
    const repo = repoName('manifests');
    const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
    const layer = await client.blob(repo, OCI_LAYER);
    const base = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer], annotations: { pad: '' } };
    const pad = 4 * 1024 * 1024 - JSON.stringify(base).length - 1024;
    const big = await client.push(repo, 'big', { ...base, annotations: { pad: 'x'.repeat(pad) } });
    expect(big.size).toBeLessThan(4 * 1024 * 1024);
    await expectManifest(repo, 'big', big.body, OCI_MANIFEST);
  });

  it.skipIf(legacy('Distribution 2.8 refuses >4 MiB with 400 MANIFEST_INVALID "request body too large"; 413 is a SHOULD'))(
    'should reject a manifest over 4 MiB with 413',
    async () => {
      const repo = repoName('manifests');
      const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', '{}');
      const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], annotations: { pad: 'x'.repeat(4 * 1024 * 1024 + 1024) } });
      const res = await client.putManifest(repo, 'huge', body, OCI_MANIFEST);
      expect(res.status).toBe(413);
      await res.arrayBuffer();
    },
  );

  it('should reject a PUT by digest whose body has another digest with 400 DIGEST_INVALID', async () => {
    const repo = repoName('manifests');
    const image = await client.pushImage(repo);
    const res = await client.putManifest(repo, unknownDigest(), image.body, OCI_MANIFEST);
    expect(res.status).toBe(400);
    expect(await errorCodes(res)).toContain('DIGEST_INVALID');
  });

  it('should accept a manifest whose subject does not exist (yet)', async () => {
    const repo = repoName('manifests');
    const subject = { mediaType: OCI_MANIFEST, digest: unknownDigest(), size: 1234 };
    const referrer = await client.pushImage(repo, undefined, { subject });
    await expectManifest(repo, referrer.digest, referrer.body, OCI_MANIFEST);
  });
});

describe('OCI 1.1 push features', () => {
  it.skipIf(legacy('Distribution 2.8 has no ?tag= on manifest PUT (distribution-spec main, end-7b)'))(
    'should tag a manifest pushed by digest with ?tag=a&tag=b (201, OCI-Tag)',
    async () => {
      const repo = repoName('manifests');
      const layer = await client.blob(repo, OCI_LAYER, random());
      const config = await client.blob(repo, 'application/vnd.oci.image.config.v1+json', `{"id":"${randomHex()}"}`);
      const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
      const digest = sha256(body);
      const res = await client.putManifest(repo, digest, body, OCI_MANIFEST, '?tag=a&tag=b');
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      expect(ociTags(res).sort()).toEqual(['a', 'b']);
      for (const tag of ['a', 'b']) await expectManifest(repo, tag, body, OCI_MANIFEST);
    },
  );

  it.skipIf(legacy('Distribution 2.8 has no ?tag= on manifest PUT'))('should accept at least 10 tags in one PUT', async () => {
    const repo = repoName('manifests');
    const image = await client.pushImage(repo);
    const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const res = await client.putManifest(repo, image.digest, image.body, OCI_MANIFEST, `?${tags.map((t) => `tag=${t}`).join('&')}`);
    expect(res.status).toBe(201);
    expect(ociTags(res).sort()).toEqual([...tags].sort());
    for (const tag of tags) await expectManifest(repo, tag, image.body, OCI_MANIFEST);
  });

  it.skipIf(legacy('Distribution 2.8 has no ?tag= on manifest PUT'))('should either accept a great many ?tag= parameters or refuse them with 414', async () => {
    const repo = repoName('manifests');
    const image = await client.pushImage(repo);
    const tags = Array.from({ length: 500 }, (_, i) => `many-${i}`);
    const res = await client.putManifest(repo, image.digest, image.body, OCI_MANIFEST, `?${tags.map((t) => `tag=${t}`).join('&')}`);
    expect([201, 414]).toContain(res.status);
    if (res.status === 201) expect(ociTags(res)).toHaveLength(500);
    await res.arrayBuffer();
  });

  it.skipIf(legacy('Distribution 2.8 has no referrers API, so no OCI-Subject'))(
    'should answer OCI-Subject when a manifest with a subject is pushed',
    async () => {
      const repo = repoName('manifests');
      const subject = await client.pushImage(repo, 'base');
      const referrer = await client.pushImage(repo, undefined, { artifactType: 'application/vnd.example.sig', subject: descriptorOf(subject) });
      expect(referrer.response.headers.get('oci-subject')).toBe(subject.digest);
    },
  );
});
