/**
 * The referrers index (distribution spec, "Listing Referrers"): for every subject digest, the
 * descriptors of the manifests that name it as `subject`. Kept current by manifest PUT and
 * DELETE; the subject itself need not exist.
 * @module
 */
import type { Digest } from '../digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { notFoundAs } from '../storage/not-found.js';
import { pathFor } from '../storage/paths.js';
import { fromUtf8, utf8 } from '../streams.js';
import type { Descriptor } from './descriptor.js';
import { mapInBatches } from './event-loop.js';
import type { ManifestLink } from './manifest-link.js';
import type { ParsedManifest } from './parsed-manifest.js';

/** A referrer's descriptor as the API returns it. */
export type ReferrerDescriptor = Pick<Descriptor, 'mediaType' | 'digest' | 'size' | 'artifactType' | 'annotations'>;

/** The descriptor the referrers API lists for a manifest. */
export function referrerDescriptor(link: ManifestLink, parsed: ParsedManifest): ReferrerDescriptor {
  return {
    mediaType: link.mediaType,
    digest: link.digest,
    size: link.size,
    ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
    ...(parsed.annotations ? { annotations: { ...parsed.annotations } } : {}),
  };
}

/** Referrer entries read at the same time. */
const READ_CONCURRENCY = 16;

export class Referrers {
  constructor(private readonly driver: StorageDriver) {}

  async add(name: string, subject: Digest, digest: Digest, descriptor: ReferrerDescriptor): Promise<void> {
    await this.driver.putContent(pathFor({ kind: 'referrer', name, subject, digest }), utf8(JSON.stringify(descriptor)));
  }

  async remove(name: string, subject: Digest, digest: Digest): Promise<void> {
    await this.driver.delete(pathFor({ kind: 'referrer', name, subject, digest })).catch(notFoundAs(undefined));
  }

  /**
   * Referrers of a subject, optionally only those of one artifact type, ordered by digest so
   * pages are stable.
   */
  async list(name: string, subject: Digest, artifactType?: string): Promise<ReferrerDescriptor[]> {
    const entries = await this.driver.list(pathFor({ kind: 'referrersDir', name, subject })).catch(notFoundAs(null));
    if (!entries) return [];
    // A subject can have any number of referrers: a bounded number of reads at a time.
    const descriptors = await mapInBatches(entries, READ_CONCURRENCY, async (entry) => {
      try {
        return JSON.parse(fromUtf8(await this.driver.getContent(entry))) as ReferrerDescriptor;
      } catch {
        return null; // deleted meanwhile, or unreadable: not listed
      }
    });
    return descriptors
      .filter((d): d is ReferrerDescriptor => d !== null && (artifactType === undefined || d.artifactType === artifactType))
      .sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  }
}
