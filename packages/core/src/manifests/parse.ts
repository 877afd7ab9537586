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
  // Deep nesting costs JSON.parse about a second per 4 MiB; no manifest format needs it.
  if (nestedDeeperThan(body, MAX_DEPTH)) {
    throw new RegistryError('MANIFEST_INVALID', `the manifest nests arrays and objects deeper than ${MAX_DEPTH} levels`);
  }
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
    throw new RegistryError('MANIFEST_INVALID', `unsupported manifest media type ${preview(mediaType)}`, {
      detail: { mediaType: mediaType.slice(0, PREVIEW_CHARS) },
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
    throw new RegistryError('MANIFEST_INVALID', `unsupported schemaVersion ${preview(schemaVersion)}: expected 1 or 2`);
  }
  if (mediaType !== undefined) {
    if (typeof mediaType !== 'string') throw new RegistryError('MANIFEST_INVALID', 'mediaType must be a string');
    // distribution spec: when the manifest has a mediaType, Content-Type must equal it.
    if (header && MANIFEST_FORMATS.has(header) && header !== mediaType) {
      throw new RegistryError('MANIFEST_INVALID', `Content-Type ${header} does not match the manifest's mediaType ${preview(mediaType)}`);
    }
    return mediaType;
  }
  if (header && MANIFEST_FORMATS.has(header) && header !== MEDIA_TYPES.dockerSchema1 && header !== MEDIA_TYPES.dockerSchema1Signed) {
    return header;
  }
  return Array.isArray(json.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
}

/** Deepest nesting of arrays and objects accepted in a manifest (the formats need about 5). */
const MAX_DEPTH = 64;

/** Whether JSON text nests deeper than `max`, by a scan of its brackets outside strings. */
export function nestedDeeperThan(json: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** What an error message repeats of a value from the manifest, which can be megabytes long. */
const PREVIEW_CHARS = 200;

function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}
