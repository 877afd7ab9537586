/**
 * Manifest dispatch: sniff `{schemaVersion, mediaType}` from the JSON, pick the format from an
 * explicit media type → format map, and let that format's zod schema validate the rest.
 * @module
 */
import { RegistryError } from '../errors/registry-error.js';
import { dockerSchema2Format, ociManifestFormat } from './formats/image-manifest.js';
import { manifestListFormat, ociIndexFormat } from './formats/image-index.js';
import { schema1Format } from './formats/schema1.js';
import { MEDIA_TYPES, normalizeMediaType } from './media-types.js';
import type { ManifestFormat, ParsedManifest } from './parsed-manifest.js';

/** Media type → format. The only place that knows which formats exist. */
export const MANIFEST_FORMATS: ReadonlyMap<string, ManifestFormat> = new Map(
  [ociManifestFormat, ociIndexFormat, dockerSchema2Format, manifestListFormat, schema1Format].flatMap((f) =>
    f.mediaTypes.map((t) => [t, f] as const),
  ),
);

/** Whether a media type is a manifest type the registry stores. */
export function isManifestMediaType(mediaType: string): boolean {
  return MANIFEST_FORMATS.has(normalizeMediaType(mediaType));
}

/**
 * Parse and validate a manifest body.
 * @param contentType the request's Content-Type, used when the JSON has no `mediaType`.
 * @throws RegistryError MANIFEST_INVALID, MANIFEST_UNVERIFIED
 */
export async function parseManifest(body: Uint8Array, contentType: string | null | undefined): Promise<ParsedManifest> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new RegistryError('MANIFEST_INVALID', 'the manifest is not valid UTF-8 JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RegistryError('MANIFEST_INVALID', 'the manifest must be a JSON object');
  }
  const obj = json as Record<string, unknown>;
  const header = contentType ? normalizeMediaType(contentType) : '';
  const mediaType = chooseMediaType(obj, header);
  const format = MANIFEST_FORMATS.get(mediaType);
  if (!format) {
    throw new RegistryError('MANIFEST_INVALID', `unsupported manifest media type ${JSON.stringify(mediaType)}`, {
      detail: { mediaType },
    });
  }
  return format.parse(body, obj, mediaType);
}

function chooseMediaType(json: Record<string, unknown>, header: string): string {
  const { schemaVersion, mediaType } = json;
  if (schemaVersion === 1) {
    return Array.isArray(json.signatures) ? MEDIA_TYPES.dockerSchema1Signed : MEDIA_TYPES.dockerSchema1;
  }
  if (schemaVersion !== 2) {
    throw new RegistryError('MANIFEST_INVALID', `unsupported schemaVersion ${JSON.stringify(schemaVersion)}: expected 1 or 2`);
  }
  if (mediaType !== undefined) {
    if (typeof mediaType !== 'string') throw new RegistryError('MANIFEST_INVALID', 'mediaType must be a string');
    // distribution spec: when the manifest has a mediaType, Content-Type must equal it.
    if (header && MANIFEST_FORMATS.has(header) && header !== mediaType) {
      throw new RegistryError('MANIFEST_INVALID', `Content-Type ${header} does not match the manifest's mediaType ${mediaType}`);
    }
    return mediaType;
  }
  if (header && MANIFEST_FORMATS.has(header) && header !== MEDIA_TYPES.dockerSchema1 && header !== MEDIA_TYPES.dockerSchema1Signed) {
    return header;
  }
  return Array.isArray(json.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
}
