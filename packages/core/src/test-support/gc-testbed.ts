/** A registry on memory storage with a clock the tests move, for the garbage collection tests. */
import { vi } from 'vitest';
import { parseDigest } from '../digest.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { createRegistry } from '../registry.js';
import type { StorageDriver } from '../storage/driver.js';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { LAYOUT_ROOT, pathFor } from '../storage/paths.js';
import { pushBlob, pushImage, sha256 } from './fixtures.js';
import { collectGarbage, type GcOptions } from '../gc/collector.js';
import { listFilesBelow } from '../gc/walk.js';

export const HOUR = 3_600_000;
export const T0 = Date.parse('2030-01-01T00:00:00Z');

export interface Image {
  readonly digest: string;
  readonly body: string;
  readonly config: string;
  readonly layers: string[];
}

/** A fresh registry; the clock (Date) is faked by the caller with vi.useFakeTimers({ toFake: ['Date'] }). */
export function testbed(inner: StorageDriver = new MemoryStorage()) {
  const storage = guard(inner);
  const registry = createRegistry({ storage });
  const app = registry.app;
  const at = (ms: number) => vi.setSystemTime(ms);
  const gc = (options: GcOptions = {}) => collectGarbage(storage, { settleMs: 0, recheckDelayMs: 0, graceMs: HOUR, ...options });
  const blobPath = (digest: string) => pathFor({ kind: 'blob', digest: parseDigest(digest) });
  const revisionPath = (name: string, digest: string) => pathFor({ kind: 'revision', name, digest: parseDigest(digest) });
  const linkPath = (name: string, digest: string) => pathFor({ kind: 'layerLink', name, digest: parseDigest(digest) });
  const has = (path: string) => storage.stat(path).then(() => true, () => false);
  const files = async () => (await listFilesBelow(storage, LAYOUT_ROOT)).sort();

  const image = async (name: string, reference: string, extra: Record<string, unknown> = {}): Promise<Image> => {
    const pushed = await pushImage(app, name, reference, extra);
    const json = JSON.parse(pushed.body) as { config: { digest: string }; layers: Array<{ digest: string }> };
    return { digest: pushed.digest, body: pushed.body, config: json.config.digest, layers: json.layers.map((l) => l.digest) };
  };

  const putManifest = async (name: string, reference: string, body: string, mediaType: string) => {
    const r = await app.request(`/v2/${name}/manifests/${reference}`, { method: 'PUT', body, headers: { 'Content-Type': mediaType } });
    if (r.status !== 201) throw new Error(`put manifest: ${r.status} ${await r.text()}`);
    return r.headers.get('Docker-Content-Digest') as string;
  };

  const index = (name: string, reference: string, children: readonly Image[]) =>
    putManifest(
      name,
      reference,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: children.map((c) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: c.digest, size: c.body.length })),
      }),
      MEDIA_TYPES.ociIndex,
    );

  /** An artifact (a signature, say) whose subject is `subject`, pushed by digest. */
  const referrer = async (name: string, subject: Image) => {
    const blob = await pushBlob(app, name, new TextEncoder().encode(`signature of ${subject.digest} ${Math.random()}`));
    const empty = await pushBlob(app, name, new TextEncoder().encode('{}'));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
      layers: [{ mediaType: 'application/vnd.example.signature.v1', ...blob }],
      subject: { mediaType: MEDIA_TYPES.ociManifest, digest: subject.digest, size: subject.body.length },
    });
    const digest = await putManifest(name, sha256(body), body, MEDIA_TYPES.ociManifest);
    return { digest, blob: blob.digest };
  };

  return { storage, registry, app, at, gc, blobPath, revisionPath, linkPath, has, files, image, index, referrer, putManifest };
}
