/**
 * Manifest routes: GET, HEAD, PUT, DELETE `/v2/<name>/manifests/<reference>`
 * (end-3, end-7, end-9).
 * @module
 */
import { assertValidTag } from '../../names.js';
import { tryParseDigest } from '../../digest.js';
import { isRegistryError, RegistryError } from '../../errors/registry-error.js';
import type { Reference, StoredManifest } from '../../manifests/manifest-store.js';
import type { ManifestLink } from '../../manifests/manifest-link.js';
import { MEDIA_TYPES } from '../../manifests/media-types.js';
import { drain, readLimited } from '../../streams.js';
import type { Handler, HandlerContext } from '../context.js';
import { acceptedTypes, empty } from '../http.js';

/** A tag or digest from the URL. @throws RegistryError DIGEST_INVALID / TAG_INVALID */
export function parseReference(raw: string | undefined): Reference {
  const value = raw ?? '';
  if (value.includes(':')) {
    const digest = tryParseDigest(value);
    if (!digest) throw new RegistryError('DIGEST_INVALID', `invalid digest ${JSON.stringify(value.slice(0, 200))} in the manifest reference`);
    return { digest };
  }
  return { tag: assertValidTag(value) };
}

/**
 * The reference of a GET or HEAD. One that is neither a valid tag nor a digest names no
 * manifest that could exist: 404 MANIFEST_UNKNOWN, as the OCI conformance suite expects
 * (a PUT to it stays 400 TAG_INVALID or DIGEST_INVALID: {@link parseReference}).
 * @throws RegistryError MANIFEST_UNKNOWN
 */
export function readReference(raw: string | undefined): Reference {
  try {
    return parseReference(raw);
  } catch (error) {
    if (!isRegistryError(error) || (error.code !== 'TAG_INVALID' && error.code !== 'DIGEST_INVALID')) throw error;
    const reference = (raw ?? '').slice(0, 200);
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: ${JSON.stringify(reference)} is neither a valid tag nor a digest`, {
      detail: { reference },
      cause: error,
    });
  }
}

const manifestHeaders = (m: { digest: string; mediaType: string; size: number }) => ({
  'Content-Type': m.mediaType,
  'Content-Length': String(m.size),
  'Docker-Content-Digest': m.digest,
  ETag: `"${m.digest}"`,
});

export const manifestHandlers: Partial<Record<string, Handler>> = {
  async GET(ctx) {
    return serveManifest(ctx, false);
  },
  async HEAD(ctx) {
    return serveManifest(ctx, true);
  },
  async PUT({ api, name, params, request, url, limits, call }) {
    const reference = parseReference(params.reference);
    const extraTags = url.searchParams.getAll('tag');
    if (extraTags.length > limits.maxTagsPerPut) {
      await drain(request.body);
      throw new RegistryError('TOO_MANY_TAGS', `${extraTags.length} tags in one request; at most ${limits.maxTagsPerPut} are accepted`);
    }
    extraTags.forEach(assertValidTag);
    const declared = Number(request.headers.get('content-length') ?? NaN);
    const tooLarge = () =>
      new RegistryError('MANIFEST_TOO_LARGE', `the manifest is larger than ${limits.manifestMaxBytes} bytes`, { detail: { limit: limits.manifestMaxBytes } });
    if (declared > limits.manifestMaxBytes) {
      await drain(request.body);
      throw tooLarge();
    }
    const body = await readLimited(request.body, limits.manifestMaxBytes);
    if (!body) throw tooLarge();
    const result = await api.putManifest(name, reference, body, request.headers.get('content-type'), extraTags, call);
    const headers: Record<string, string> = {
      Location: `/v2/${name}/manifests/${result.digest}`,
      'Docker-Content-Digest': result.digest,
    };
    if (result.subject) headers['OCI-Subject'] = result.subject;
    if (extraTags.length > 0) headers['OCI-Tag'] = result.tags.join(', ');
    return empty(201, headers);
  },
  async DELETE({ api, name, params, call }) {
    await api.deleteManifest(name, parseReference(params.reference), call);
    return empty(202);
  },
};

async function serveManifest(ctx: HandlerContext, head: boolean): Promise<Response> {
  const { api, name, params, request, call } = ctx;
  const reference = readReference(params.reference);
  // HEAD needs only the descriptor; GET reads the bytes once (from cache when it can).
  const found: ManifestLink | StoredManifest = head ? await api.headManifest(name, reference) : await api.getManifest(name, reference, call);
  const chosen = await negotiate(ctx, found, reference, head);
  const headers = manifestHeaders(chosen);
  const inm = request.headers.get('if-none-match');
  if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === headers.ETag)) {
    return empty(304, { 'Docker-Content-Digest': chosen.digest, ETag: headers.ETag });
  }
  if (head || !('bytes' in chosen)) return new Response(null, { status: 200, headers });
  return new Response(chosen.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

/**
 * Honour every Accept header. A manifest of an accepted type is served as is. A client that
 * does not accept lists (old Docker) asking for a list gets its linux/amd64 child when that is
 * of an accepted type, as Distribution does. Anything else is served as stored: refusing would
 * only break clients that send narrow Accept lists and cope anyway.
 */
async function negotiate(
  ctx: HandlerContext,
  found: ManifestLink | StoredManifest,
  reference: Reference,
  head: boolean,
): Promise<ManifestLink | StoredManifest> {
  const accepted = acceptedTypes(ctx.request);
  const isList = found.mediaType === MEDIA_TYPES.dockerManifestList || found.mediaType === MEDIA_TYPES.ociIndex;
  if (!isList || accepted.size === 0 || accepted.has(found.mediaType) || accepted.has('*/*') || 'digest' in reference) return found;
  const bytes = 'bytes' in found ? found.bytes : (await ctx.api.manifests.get(ctx.name, reference)).bytes;
  let index: { manifests?: Array<{ digest: string; mediaType: string; platform?: { os?: string; architecture?: string } }> };
  try {
    index = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return found;
  }
  const child = index.manifests?.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64' && accepted.has(m.mediaType));
  const childDigest = child ? tryParseDigest(child.digest) : null;
  if (!childDigest || !(await ctx.api.manifests.has(ctx.name, childDigest))) return found;
  const childReference = { digest: childDigest };
  return head ? ctx.api.headManifest(ctx.name, childReference) : ctx.api.getManifest(ctx.name, childReference, ctx.call);
}
