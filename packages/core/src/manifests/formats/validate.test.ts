import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../errors/registry-error.js';
import { errorResponse } from '../../errors/serialize.js';
import { MEDIA_TYPES } from '../media-types.js';
import { parseManifest } from '../parse.js';
import { fieldOf } from './validate.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 };

/** The error a manifest gets, and the size of the response body it makes. */
async function refusal(manifest: unknown, contentType: string | null = MEDIA_TYPES.ociManifest) {
  const error = await parseManifest(enc(manifest), contentType).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  const e = error as RegistryError;
  return { error: e, bytes: (await errorResponse(e).text()).length };
}

describe('manifest validation errors', () => {
  it('should name the first problem and count the others when thousands of descriptors are invalid', async () => {
    const layers = Array.from({ length: 30_000 }, () => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'nope', size: 1 }));
    const { error, bytes } = await refusal({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toMatch(/^invalid OCI image manifest: layers\[0\]\.digest: not a valid digest.* \(4 more problems; 29995 entries not checked\)$/);
    expect(error.detail).toMatchObject({ field: 'layers[0].digest', unchecked: 29_995 });
    expect((error.detail as { issues: unknown[] }).issues).toHaveLength(5);
    expect(bytes).toBeLessThan(4096);
  });

  it('should not repeat a megabyte-long key back', async () => {
    const key = 'k'.repeat(1_000_000);
    const { error, bytes } = await refusal({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [], annotations: { [key]: 1 } });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message.length).toBeLessThan(1024);
    expect(bytes).toBeLessThan(4096);
  });

  it.each([
    ['a megabyte-long media type', { schemaVersion: 2, mediaType: `application/${'x'.repeat(1_000_000)}` }, null],
    ['a media type that disagrees with Content-Type', { schemaVersion: 2, mediaType: `application/${'x'.repeat(1_000_000)}` }, MEDIA_TYPES.ociIndex],
    ['a huge schemaVersion', { schemaVersion: Array.from({ length: 100_000 }, (_, i) => i) }, null],
    ['a megabyte-long schemaVersion', { schemaVersion: 'x'.repeat(1_000_000) }, null],
  ])('should answer %s with a short message', async (_what, manifest, contentType) => {
    const { error, bytes } = await refusal(manifest, contentType);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message.length).toBeLessThan(1024);
    expect(bytes).toBeLessThan(4096);
  });

  it.each([
    ['annotations', { annotations: Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, 1])) }],
    ['urls', { layers: [{ ...config, urls: Array.from({ length: 400_000 }, () => 1) }] }],
  ])('should stop checking %s after a few of hundreds of thousands of invalid entries', async (_field, fields) => {
    // zod alone built an issue for each (seconds of CPU), and overflowed the stack on the urls.
    const { error, bytes } = await refusal({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [], ...fields });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect((error.detail as { unchecked: number }).unchecked).toBeGreaterThan(200_000);
    expect(bytes).toBeLessThan(4096);
  });

  it('should refuse deep nesting before parsing it', async () => {
    const body = new TextEncoder().encode(`{"schemaVersion":2,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    await expect(parseManifest(body, MEDIA_TYPES.ociManifest)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringMatching(/deeper than 64/) });
  });

  it('should not count brackets inside strings as nesting', async () => {
    const annotations = { a: '['.repeat(1_000), 'b\\"[': '{'.repeat(1_000) };
    const parsed = await parseManifest(enc({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [], annotations }), null);
    expect(parsed.annotations).toEqual(annotations);
  });

  it('should write field paths as layers[2].digest', () => {
    expect(fieldOf(['layers', 2, 'digest'])).toBe('layers[2].digest');
    expect(fieldOf([])).toBe('(root)');
    expect(fieldOf(['annotations', '7'])).toBe('annotations.7');
    expect(fieldOf(Array.from({ length: 50 }, () => 'a'))).toMatch(/\.…$/);
  });
});
