import { FlattenedSign, exportJWK, generateKeyPair, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import { MEDIA_TYPES } from './media-types.js';
import { parseManifest } from './parse.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const d = (s: string) => digestOf(enc(s));
const desc = (mediaType: string, seed: string, extra: object = {}) => ({ mediaType, digest: d(seed), size: seed.length, ...extra });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (e) {
    return e instanceof RegistryError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('manifest dispatch', () => {
  it('should parse an OCI image manifest and list config and layers as required blobs', async () => {
    const m = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: desc('application/vnd.oci.image.config.v1+json', 'c'), layers: [desc('application/vnd.oci.image.layer.v1.tar+gzip', 'l')] };
    const p = await parseManifest(enc(m), MEDIA_TYPES.ociManifest);
    expect(p.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(p.blobs).toEqual([d('c'), d('l')]);
    expect(p.artifactType).toBe('application/vnd.oci.image.config.v1+json');
  });

  it('should take the media type from Content-Type when the manifest has none', async () => {
    const m = { schemaVersion: 2, manifests: [desc(MEDIA_TYPES.ociManifest, 'a')] };
    const p = await parseManifest(enc(m), MEDIA_TYPES.ociIndex);
    expect(p.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(p.manifests).toEqual([d('a')]);
  });

  it('should parse an artifact with artifactType, subject and a Helm config', async () => {
    const m = {
      schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: 'application/vnd.example.sbom',
      config: desc('application/vnd.cncf.helm.config.v1+json', 'h'), layers: [], subject: desc(MEDIA_TYPES.ociManifest, 's'),
      annotations: { a: 'b' },
    };
    const p = await parseManifest(enc(m), null);
    expect(p.artifactType).toBe('application/vnd.example.sbom');
    expect(p.subject?.digest).toBe(d('s'));
    expect(p.annotations).toEqual({ a: 'b' });
  });

  it('should parse Docker schema 2 and manifest lists', async () => {
    const s2 = { schemaVersion: 2, mediaType: MEDIA_TYPES.dockerSchema2, config: desc('application/vnd.docker.container.image.v1+json', 'c'), layers: [desc('application/vnd.docker.image.rootfs.diff.tar.gzip', 'l')] };
    expect((await parseManifest(enc(s2), MEDIA_TYPES.dockerSchema2)).blobs).toHaveLength(2);
    const list = { schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifestList, manifests: [desc(MEDIA_TYPES.dockerSchema2, 'x', { platform: { os: 'linux', architecture: 'arm64' } })] };
    expect((await parseManifest(enc(list), null)).manifests).toEqual([d('x')]);
  });

  it('should not require foreign layers that carry URLs', async () => {
    const foreign = desc('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'f', { urls: ['https://example.com/f'] });
    const s2 = { schemaVersion: 2, mediaType: MEDIA_TYPES.dockerSchema2, config: desc('application/vnd.docker.container.image.v1+json', 'c'), layers: [foreign] };
    expect((await parseManifest(enc(s2), null)).blobs).toEqual([d('c')]);
  });

  it.each([
    ['not JSON', '{', /not valid UTF-8 JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['schemaVersion 3', { schemaVersion: 3 }, /unsupported schemaVersion/],
    ['an unknown media type', { schemaVersion: 2, mediaType: 'application/x-foo' }, /unsupported manifest media type/],
    ['a bad layer digest', { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: desc('a/b', 'c'), layers: [{ mediaType: 'a/b', digest: 'sha256:xyz', size: 1 }] }, /layers\[0\]\.digest/],
    ['a negative size', { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: { ...desc('a/b', 'c'), size: -1 }, layers: [] }, /config\.size/],
    ['a schema 2 manifest without layers', { schemaVersion: 2, mediaType: MEDIA_TYPES.dockerSchema2, config: desc('a/b', 'c') }, /layers/],
  ])('should refuse %s with MANIFEST_INVALID naming the problem', async (_what, body, why) => {
    const result = await codeOf(parseManifest(enc(body), null));
    expect(result).toMatch(/^MANIFEST_INVALID/);
    expect(result).toMatch(why);
  });

  it('should refuse a Content-Type that contradicts the mediaType field', async () => {
    const m = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: desc('a/b', 'c'), layers: [] };
    expect(await codeOf(parseManifest(enc(m), MEDIA_TYPES.dockerSchema2))).toMatch(/does not match/);
  });
});

/** Sign a schema 1 manifest the way libtrust does (pretty JWS). */
async function signSchema1(manifest: object): Promise<{ body: Uint8Array; payload: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const payload = JSON.stringify(manifest, null, 3);
  const formatLength = payload.lastIndexOf('\n}');
  const formatTail = base64url.encode(payload.slice(formatLength));
  const jws = await new FlattenedSign(enc(payload))
    .setProtectedHeader({ formatLength, formatTail, time: '2026-01-01T00:00:00Z' } as never)
    .setUnprotectedHeader({ alg: 'ES256', jwk })
    .sign(privateKey);
  const signatures = [{ header: jws.header, signature: jws.signature, protected: jws.protected }];
  const body = `${payload.slice(0, formatLength)},\n   "signatures": ${JSON.stringify(signatures, null, 3)}${payload.slice(formatLength)}`;
  return { body: enc(body), payload };
}

describe('schema 1', () => {
  const manifest = {
    schemaVersion: 1, name: 'team/app', tag: 'v1', architecture: 'amd64',
    fsLayers: [{ blobSum: d('l1') }, { blobSum: d('l1') }], history: [{ v1Compatibility: '{}' }, { v1Compatibility: '{}' }],
  };

  it('should verify a signed manifest and digest its payload without signatures', async () => {
    const { body, payload } = await signSchema1(manifest);
    const p = await parseManifest(body, MEDIA_TYPES.dockerSchema1Signed);
    expect(p.mediaType).toBe(MEDIA_TYPES.dockerSchema1Signed);
    expect(digestOf(p.canonical)).toBe(d(payload));
    expect(p.blobs).toEqual([d('l1')]);
    expect(p.embedded).toEqual({ name: 'team/app', tag: 'v1' });
  });

  it('should refuse a signed manifest whose content was changed after signing', async () => {
    const { body } = await signSchema1(manifest);
    const tampered = new TextDecoder().decode(body).replace('"amd64"', '"arm64"');
    expect(await codeOf(parseManifest(enc(tampered), null))).toMatch(/^MANIFEST_UNVERIFIED/);
  });

  it('should refuse a signature made by another key than the one in its header', async () => {
    const { body } = await signSchema1(manifest);
    const other = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
    const json = JSON.parse(new TextDecoder().decode(body));
    json.signatures[0].header.jwk = other;
    const text = JSON.stringify(json, null, 3);
    expect(await codeOf(parseManifest(enc(text), null))).toMatch(/^MANIFEST_(UNVERIFIED|INVALID)/);
  });

  it('should verify at most 8 signatures, refusing more before checking any', async () => {
    // Each signature hashes the whole payload: a body full of copies cost seconds of CPU.
    const { body, payload } = await signSchema1(manifest);
    const [signature] = JSON.parse(new TextDecoder().decode(body)).signatures;
    const at = payload.lastIndexOf('\n}');
    const withCopies = (n: number) => enc(`${payload.slice(0, at)},\n   "signatures": ${JSON.stringify(Array(n).fill(signature), null, 3)}${payload.slice(at)}`);
    expect((await parseManifest(withCopies(8), null)).mediaType).toBe(MEDIA_TYPES.dockerSchema1Signed);
    expect(await codeOf(parseManifest(withCopies(9), null))).toMatch(/^MANIFEST_INVALID: .*9 signatures; at most 8/);
  });

  it('should accept an unsigned schema 1 manifest and refuse mismatched history', async () => {
    expect((await parseManifest(enc(manifest), MEDIA_TYPES.dockerSchema1)).mediaType).toBe(MEDIA_TYPES.dockerSchema1);
    expect(await codeOf(parseManifest(enc({ ...manifest, history: [] }), null))).toMatch(/history has 0/);
  });
});
