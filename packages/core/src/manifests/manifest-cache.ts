/**
 * A small LRU of manifest bytes by digest. Content addressing makes entries immutable, so the
 * cache can never serve stale bytes, even with other processes writing the same storage.
 * @module
 */
export class ManifestCache {
  readonly #entries = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(digest: string): Uint8Array | undefined {
    const hit = this.#entries.get(digest);
    if (hit) {
      this.#entries.delete(digest);
      this.#entries.set(digest, hit);
    }
    return hit;
  }

  set(digest: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes / 16 || this.#entries.has(digest)) return;
    this.#entries.set(digest, bytes);
    this.#bytes += bytes.byteLength;
    for (const [key, value] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= value.byteLength;
    }
  }
}
