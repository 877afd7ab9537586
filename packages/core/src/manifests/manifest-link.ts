/** The JSON kept in revision and tag links. @module */
import { z } from 'zod';
import { fromUtf8, utf8 } from '../streams.js';

export const manifestLinkSchema = z.object({
  digest: z.string(),
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  /** Digest of the `subject`, so a delete can drop the referrer entry without re-reading. */
  subject: z.string().optional(),
  /** Revisions: when this manifest was first stored in the repository (ISO 8601). */
  pushedAt: z.string().optional(),
  /** Tags: when the tag was first created (ISO 8601); kept when it is moved to another manifest. */
  createdAt: z.string().optional(),
  /** Tags: when the tag was last pointed at a manifest (ISO 8601). */
  updatedAt: z.string().optional(),
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

const NEWLINE = 0x0a;

/** A revision file: the link as one JSON line, then the manifest's exact bytes. */
export function encodeRevision(link: ManifestLink, body: Uint8Array): Uint8Array {
  const header = utf8(`${JSON.stringify(link)}\n`);
  const out = new Uint8Array(header.byteLength + body.byteLength);
  out.set(header);
  out.set(body, header.byteLength);
  return out;
}

/** Split a revision file; `null` when it is not one (or is truncated). */
export function decodeRevision(bytes: Uint8Array): { link: ManifestLink; body: Uint8Array } | null {
  const end = bytes.indexOf(NEWLINE);
  if (end < 0) return null;
  const link = decodeLink(bytes.subarray(0, end));
  const body = bytes.subarray(end + 1);
  if (!link || body.byteLength !== link.size) return null;
  return { link, body };
}
