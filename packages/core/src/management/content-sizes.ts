/**
 * What a manifest weighs: its own bytes, and the blobs it and its children (for an index)
 * reference. Content is addressed by digest, so what is learnt about a digest never changes:
 * both the manifest references and blob sizes are cached for the process (bounded).
 * @module
 */
import { parseDigest } from '../digest.js';
import type { RegistryApi } from '../api/registry-api.js';
import { parseManifest } from '../manifests/parse.js';

/** Most digests remembered per cache; beyond it the oldest are dropped. */
const CACHE_LIMIT = 100_000;

interface ManifestRefs {
  readonly size: number;
  readonly blobs: readonly string[];
  readonly children: readonly string[];
}

class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    if (this.size >= CACHE_LIMIT) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}

/** Sizes of manifests and blobs of one registry. */
export class ContentSizes {
  readonly #refs = new BoundedMap<ManifestRefs>();
  readonly #blobSizes = new BoundedMap<number>();

  constructor(private readonly api: RegistryApi) {}

  /**
   * Every manifest and blob `roots` reach in `repository` (index children followed), with sizes.
   * Manifests or blobs that are missing count as 0 bytes and are reported in `missing`.
   */
  async closure(repository: string, roots: Iterable<string>): Promise<{ manifests: Map<string, number>; blobs: Map<string, number>; missing: string[] }> {
    const manifests = new Map<string, number>();
    const blobs = new Map<string, number>();
    const missing: string[] = [];
    const queue = [...roots];
    while (queue.length > 0) {
      const batch = queue.splice(0, 32).filter((d) => !manifests.has(d));
      const refs = await Promise.all(batch.map((d) => this.#manifest(repository, d)));
      for (const [i, digest] of batch.entries()) {
        const r = refs[i];
        if (!r) {
          missing.push(digest);
          manifests.set(digest, 0);
          continue;
        }
        manifests.set(digest, r.size);
        for (const b of r.blobs) blobs.set(b, -1);
        queue.push(...r.children);
      }
    }
    const unknown = [...blobs.keys()].filter((b) => blobs.get(b) === -1);
    for (let i = 0; i < unknown.length; i += 64) {
      const chunk = unknown.slice(i, i + 64);
      const sizes = await Promise.all(chunk.map((b) => this.#blobSize(b)));
      for (const [j, b] of chunk.entries()) {
        const size = sizes[j] ?? null;
        if (size === null) missing.push(b);
        blobs.set(b, size ?? 0);
      }
    }
    return { manifests, blobs, missing };
  }

  /** Bytes of a closure: manifests plus each distinct blob once. */
  static total(closure: { manifests: Map<string, number>; blobs: Map<string, number> }): number {
    let total = 0;
    for (const size of closure.manifests.values()) total += size;
    for (const size of closure.blobs.values()) total += size;
    return total;
  }

  async #manifest(repository: string, digest: string): Promise<ManifestRefs | null> {
    const cached = this.#refs.get(digest);
    if (cached) return cached;
    let stored: Awaited<ReturnType<RegistryApi['manifests']['get']>>;
    try {
      stored = await this.api.manifests.get(repository, { digest: parseDigest(digest) });
    } catch {
      return null;
    }
    try {
      const parsed = await parseManifest(stored.bytes, stored.mediaType);
      const refs: ManifestRefs = { size: stored.size, blobs: parsed.blobs, children: parsed.manifests };
      this.#refs.set(digest, refs);
      return refs;
    } catch {
      // A stored manifest that no longer parses still weighs its bytes.
      return { size: stored.size, blobs: [], children: [] };
    }
  }

  async #blobSize(digest: string): Promise<number | null> {
    const cached = this.#blobSizes.get(digest);
    if (cached !== undefined) return cached;
    const info = await this.api.blobs.stat(parseDigest(digest)).catch(() => null);
    if (!info) return null;
    this.#blobSizes.set(digest, info.size);
    return info.size;
  }
}
