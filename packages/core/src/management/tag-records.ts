/**
 * Tags with what a listing shows: the digest and media type they point at, the manifest's size
 * and the tag's times. Read straight from the tag files (one small read per tag).
 * @module
 */
import type { RegistryApi } from '../api/registry-api.js';
import { PathNotFoundError } from '../storage/driver.js';

export interface TagRecord {
  readonly name: string;
  readonly digest: string;
  readonly mediaType: string;
  /** Bytes of the manifest itself. */
  readonly size: number;
  /** When the tag was created; `null` for tags written before Wharf recorded it. */
  readonly createdAt: string | null;
  /** When the tag last moved; `null` as above. */
  readonly updatedAt: string | null;
}

/** Parallel reads per listing: enough to hide latency, few enough for a remote store. */
const CONCURRENCY = 32;

/**
 * Every tag of a repository, in lexical order of names.
 * @throws RegistryError NAME_UNKNOWN when the repository does not exist.
 */
export async function readTagRecords(api: RegistryApi, repository: string): Promise<TagRecord[]> {
  const names = await api.manifests.tags(repository);
  const records: (TagRecord | null)[] = new Array(names.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      const name = names[i] as string;
      try {
        const link = await api.manifests.resolve(repository, { tag: name });
        records[i] = {
          name,
          digest: link.digest,
          mediaType: link.mediaType,
          size: link.size,
          createdAt: link.createdAt ?? null,
          updatedAt: link.updatedAt ?? link.createdAt ?? null,
        };
      } catch (error) {
        // Deleted between the listing and the read: not a tag any more.
        if (!(error instanceof PathNotFoundError) && !isUnknownManifest(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
  return records.filter((r): r is TagRecord => r !== null);
}

function isUnknownManifest(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN');
}
