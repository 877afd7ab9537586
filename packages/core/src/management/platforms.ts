/**
 * The platforms of a multi-arch image: what an image index or manifest list says about each of
 * its children (`os`, `architecture`, `variant`), as a registry page shows it
 * (`linux/amd64, linux/arm64/v8`). Read from the index's own descriptors, so no child manifest
 * or config is fetched. Children that are not runnable images are left out: BuildKit lists its
 * attestations as platform `unknown/unknown`.
 * @module
 */
import type { RegistryApi } from '../api/registry-api.js';
import { parseDigest } from '../digest.js';
import type { Descriptor } from '../manifests/descriptor.js';
import { MEDIA_TYPES, normalizeMediaType } from '../manifests/media-types.js';
import { parseManifest } from '../manifests/parse.js';

/** One platform a multi-arch image runs on. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  /** The CPU variant (`v8` of `arm64`), when the index names one. */
  readonly variant?: string;
}

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);

/** Whether a manifest media type is an image index or manifest list (a multi-arch image). */
export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(normalizeMediaType(mediaType));
}

/** `linux/arm64/v8`, Docker's `--platform` spelling. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** The distinct platforms of an index's children, in the index's order. */
export function platformsOf(children: readonly Descriptor[]): Platform[] {
  const seen = new Map<string, Platform>();
  for (const child of children) {
    const p = child.platform;
    if (!p || (p.os === 'unknown' && p.architecture === 'unknown')) continue;
    const platform: Platform = { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
    const key = formatPlatform(platform);
    if (!seen.has(key)) seen.set(key, platform);
  }
  return [...seen.values()];
}

/**
 * The platforms of the manifest `digest` in `repository`: its children's for an index or
 * manifest list, `[]` for a single image or a manifest that is gone or no longer parses.
 */
export async function readPlatforms(api: RegistryApi, repository: string, digest: string, mediaType: string): Promise<Platform[]> {
  if (!isIndexMediaType(mediaType)) return [];
  try {
    const stored = await api.manifests.get(repository, { digest: parseDigest(digest) });
    const parsed = await parseManifest(stored.bytes, stored.mediaType);
    return platformsOf(parsed.children ?? []);
  } catch {
    // The size column already says when a tag's content is missing; platforms just stay empty.
    return [];
  }
}
