/**
 * Per-namespace storage quotas, enforced when a push would go over.
 *
 * Usage is the bytes of the distinct blobs linked into the namespace's repositories (a blob
 * shared by two of its repositories counts once; blobs shared with other namespaces count in
 * each). Links, not tags, are counted, because a push uploads its blobs before the manifest that
 * tags them: counting only tagged content would let a push upload any amount first.
 *
 * Computing usage walks the namespace's links, so it is cached per namespace and kept current
 * by this process's own pushes; it is recomputed when older than `maxAgeMs` (other processes'
 * pushes show up then). The check runs after a blob is verified and before it is published: an
 * upload that would exceed the quota is discarded and refused with 403 DENIED, whose message
 * docker and podman print ("denied: namespace team is over its quota …").
 * @module
 */
import { parseDigest, type Digest } from '../digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { StorageDriver } from '../storage/driver.js';
import { PathNotFoundError } from '../storage/driver.js';
import { listRepositories } from '../api/catalog.js';
import { pathFor } from '../storage/paths.js';

export interface QuotaOptions {
  /** The quota of a namespace in bytes, or `null` for none. */
  bytesFor(namespace: string): number | null | Promise<number | null>;
  /** The namespace of a repository (default: its first path component). */
  namespaceOf?(repository: string): string;
  /** How long a computed usage is trusted (default 30 s). */
  readonly maxAgeMs?: number;
}

interface Usage {
  blobs: Map<string, number>;
  at: number;
}

export class NamespaceQuota {
  readonly #usage = new Map<string, Promise<Usage>>();
  readonly #maxAge: number;

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly options: QuotaOptions,
  ) {
    this.#maxAge = options.maxAgeMs ?? 30_000;
  }

  namespaceOf(repository: string): string {
    return this.options.namespaceOf?.(repository) ?? (repository.split('/')[0] as string);
  }

  /** Bytes used by a namespace (see the module doc). */
  async used(namespace: string): Promise<number> {
    let total = 0;
    for (const size of (await this.#get(namespace)).blobs.values()) total += size;
    return total;
  }

  /**
   * Refuse linking blob `digest` of `size` bytes into `repository` if that takes its namespace
   * over quota; otherwise count it.
   * @throws RegistryError DENIED naming the namespace, the quota and the usage.
   */
  async admit(repository: string, digest: Digest, size: number): Promise<void> {
    const namespace = this.namespaceOf(repository);
    const limit = await this.options.bytesFor(namespace);
    if (limit === null) return;
    const usage = await this.#get(namespace);
    if (usage.blobs.has(digest.value)) return;
    let used = 0;
    for (const s of usage.blobs.values()) used += s;
    if (used + size > limit) {
      throw new RegistryError('DENIED', `namespace ${namespace} is over its storage quota: ${used} of ${limit} bytes used, and this blob needs ${size} more`, {
        detail: { namespace, quota: limit, used, needed: size },
      });
    }
    usage.blobs.set(digest.value, size);
  }

  #get(namespace: string): Promise<Usage> {
    const cached = this.#usage.get(namespace);
    if (cached) {
      return cached.then((u) => {
        if (Date.now() - u.at <= this.#maxAge) return u;
        this.#usage.delete(namespace);
        return this.#get(namespace);
      });
    }
    const computing = this.#compute(namespace);
    this.#usage.set(namespace, computing);
    computing.catch(() => this.#usage.delete(namespace));
    return computing;
  }

  async #compute(namespace: string): Promise<Usage> {
    const blobs = new Map<string, number>();
    const names = (await listRepositories(this.driver)).filter((n) => this.namespaceOf(n) === namespace);
    for (const name of names) {
      const root = pathFor({ kind: 'layersDir', name });
      const algorithms = await this.driver.list(root).catch(ignoreMissing);
      for (const dir of algorithms) {
        const algorithm = dir.slice(dir.lastIndexOf('/') + 1);
        for (const file of await this.driver.list(dir).catch(ignoreMissing)) {
          const value = `${algorithm}:${file.slice(file.lastIndexOf('/') + 1)}`;
          if (blobs.has(value)) continue;
          let digest: Digest;
          try {
            digest = parseDigest(value);
          } catch {
            continue;
          }
          const info = await this.blobs.stat(digest);
          if (info) blobs.set(value, info.size);
        }
      }
    }
    return { blobs, at: Date.now() };
  }
}

function ignoreMissing(error: unknown): string[] {
  if (error instanceof PathNotFoundError) return [];
  throw error;
}
