import { describe, expect, it, vi } from 'vitest';
import { digestOf } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import { errorResponse } from '../errors/serialize.js';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { MEDIA_TYPES } from './media-types.js';
import { findMissing, missingReferencesError, REFERENCE_CHECK, referencesOf, type ManifestReference } from './reference-check.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const digest = (i: number) => digestOf(new TextEncoder().encode(`ref-${i}`));
const blobs = (n: number): ManifestReference[] => Array.from({ length: n }, (_, i) => ({ digest: digest(i), kind: 'blob' }));
const allMissing = async (batch: readonly ManifestReference[]) => batch.map((r) => r.digest);

describe('the reference check', () => {
  it('should list every missing reference, in manifest order, when there are few', async () => {
    const refs = blobs(50);
    const absent = new Set([refs[40], refs[3], refs[17]].map((r) => r?.digest));
    const found = await findMissing(refs, async (batch) => batch.filter((r) => absent.has(r.digest)).map((r) => r.digest));
    expect(found.listed.map((r) => r.digest)).toEqual([refs[3], refs[17], refs[40]].map((r) => r?.digest));
    expect(found).toMatchObject({ moreMissing: 0, unchecked: 0 });
    const error = missingReferencesError('team/app', found);
    expect(error.additional).toHaveLength(2);
    expect(error.additional.every((e) => typeof (e.detail as { digest?: string }).digest === 'string')).toBe(true);
  });

  it('should stop looking up references once enough are missing', async () => {
    const missingOf = vi.fn(allMissing);
    const found = await findMissing(blobs(25_000), missingOf);
    const looked = missingOf.mock.calls.reduce((n, [batch]) => n + batch.length, 0);
    expect(found.listed).toHaveLength(REFERENCE_CHECK.maxListed);
    expect(looked).toBeLessThanOrEqual(REFERENCE_CHECK.maxListed + REFERENCE_CHECK.concurrency);
    expect(found.unchecked).toBe(25_000 - looked);
    expect(missingOf.mock.calls.every(([batch]) => batch.length <= REFERENCE_CHECK.concurrency)).toBe(true);
  });

  it('should count missing references found beyond those listed', async () => {
    const found = await findMissing(blobs(20), allMissing, { concurrency: 4, maxListed: 6, sliceMs: 5 });
    expect(found.listed.map((r) => r.digest)).toEqual(blobs(6).map((r) => r.digest));
    expect(found).toMatchObject({ moreMissing: 2, unchecked: 12 });
  });

  it('should end the error with one entry saying how many more there are', () => {
    const error = missingReferencesError('team/app', { listed: blobs(100), moreMissing: 10, unchecked: 24_890 });
    expect(error.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(error.additional).toHaveLength(100);
    const summary = error.additional.at(-1);
    expect(summary?.message).toMatch(/^and 24,900 more references not listed \(24,890 of them were not checked/);
    expect(summary?.detail).toEqual({ listed: 100, unlisted: 24_900, unchecked: 24_890 });
  });

  it('should yield to the event loop during a long check of references that answer at once', async () => {
    let turns = 0;
    let checking = true;
    const probe = () => {
      turns++;
      if (checking) setImmediate(probe);
    };
    setImmediate(probe);
    await findMissing(blobs(30_000), async () => [], { concurrency: 16, maxListed: 100, sliceMs: 1 });
    checking = false;
    expect(turns).toBeGreaterThan(0);
  });

  it('should keep each digest once, blobs before child manifests', () => {
    const [a, b, c] = [digest(1), digest(2), digest(3)];
    expect(referencesOf({ blobs: [a, b, a], manifests: [c, b] })).toEqual([
      { digest: a, kind: 'blob' },
      { digest: b, kind: 'blob' },
      { digest: c, kind: 'manifest' },
    ]);
  });
});

describe('a manifest PUT with thousands of missing references', () => {
  it('should answer with a small error after a bounded number of storage calls', async () => {
    const storage = new MemoryStorage();
    const { api } = createRegistry({ storage });
    const stat = vi.spyOn(storage, 'stat');
    const layers = Array.from({ length: 25_000 }, (_, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digest(i), size: 1 }));
    const body = enc({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(-1), size: 1 }, layers });
    const error = await api.putManifest('team/app', { tag: 'v1' }, body, MEDIA_TYPES.ociManifest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('MANIFEST_BLOB_UNKNOWN');
    // Two lookups per blob (its link, then a manifest of that digest), for what was checked.
    expect(stat.mock.calls.length).toBeLessThan(4 * (REFERENCE_CHECK.maxListed + REFERENCE_CHECK.concurrency));
    const text = await errorResponse(error).text();
    expect(text.length).toBeLessThan(32 * 1024);
    const { errors } = JSON.parse(text) as { errors: Array<{ message: string; detail: Record<string, unknown> }> };
    expect(errors).toHaveLength(REFERENCE_CHECK.maxListed + 1);
    expect(errors[0]?.detail.digest).toBe(digest(-1));
    expect(errors.at(-1)?.detail).toMatchObject({ listed: 100 });
  });
});
