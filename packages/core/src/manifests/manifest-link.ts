/** The JSON kept in revision and tag links. @module */
import { z } from 'zod';
import { fromUtf8, utf8 } from '../streams.js';

export const manifestLinkSchema = z.object({
  digest: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  /** Digest of the `subject`, so a delete can drop the referrer entry without re-reading. */
  subject: z.string().optional(),
});

export type ManifestLink = z.infer<typeof manifestLinkSchema>;

export function encodeLink(link: ManifestLink): Uint8Array {
  return utf8(JSON.stringify(link));
}

/** Decode a link; `null` when the stored bytes are not a link (never trusted blindly). */
export function decodeLink(bytes: Uint8Array): ManifestLink | null {
  try {
    const parsed = manifestLinkSchema.safeParse(JSON.parse(fromUtf8(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
