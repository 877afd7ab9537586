/**
 * Docker image manifests, schema 1 (manifest-v2-1-schema1.md), unsigned and signed.
 *
 * A signed manifest is a libtrust "pretty JWS": the body is the manifest JSON with a
 * `signatures` array spliced in before the final brace. Each signature's protected header
 * carries `formatLength` and `formatTail`; the signed payload is the first `formatLength`
 * bytes of the body followed by the decoded tail — the manifest without its signatures — and
 * that payload is also what the manifest's digest covers. Every signature must verify with the
 * key in its header (`jwk`, or the first certificate of `x5c`).
 * @module
 */
import { flattenedVerify, importJWK, importX509, base64url, type JWK } from 'jose';
import { z } from 'zod';
import { RegistryError } from '../../errors/registry-error.js';
import { digestSchema } from '../descriptor.js';
import { boundedArray } from '../bounded-collections.js';
import { MEDIA_TYPES } from '../media-types.js';
import type { ManifestFormat, ParsedManifest } from '../parsed-manifest.js';
import { validateManifest } from './validate.js';

const schema1Schema = z.looseObject({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  tag: z.string(),
  architecture: z.string().optional(),
  fsLayers: boundedArray(z.object({ blobSum: digestSchema })),
  history: boundedArray(z.object({ v1Compatibility: z.string() })),
});

const signatureSchema = z.object({
  header: z.looseObject({ jwk: z.record(z.string(), z.unknown()).optional(), x5c: boundedArray(z.string()).optional(), alg: z.string() }),
  signature: z.string(),
  protected: z.string(),
});

const protectedSchema = z.looseObject({ formatLength: z.number().int().nonnegative(), formatTail: z.string() });

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', `invalid schema 1 manifest: ${message}`);
}

function unverified(message: string): RegistryError {
  return new RegistryError('MANIFEST_UNVERIFIED', `schema 1 signature verification failed: ${message}`);
}

/**
 * Signatures accepted on one manifest. Docker signs once; each signature costs a hash of the
 * whole payload, so without a bound a 4 MiB body of self-signed copies would cost minutes.
 */
const MAX_SIGNATURES = 8;

/** Verify every signature and return the signed payload. */
async function verifiedPayload(body: Uint8Array, signatures: unknown): Promise<Uint8Array> {
  if (Array.isArray(signatures) && signatures.length > MAX_SIGNATURES) {
    throw invalid(`${signatures.length} signatures; at most ${MAX_SIGNATURES} are accepted`);
  }
  const parsed = z.array(signatureSchema).min(1).safeParse(signatures);
  if (!parsed.success) throw invalid('`signatures` must be a non-empty array of {header, signature, protected}');
  let payload: { bytes: Uint8Array; encoded: string } | null = null;
  for (const sig of parsed.data) {
    let prot: z.infer<typeof protectedSchema>;
    try {
      prot = protectedSchema.parse(JSON.parse(new TextDecoder().decode(base64url.decode(sig.protected))));
    } catch {
      throw unverified('a protected header lacks formatLength/formatTail');
    }
    if (prot.formatLength > body.byteLength) throw unverified('formatLength is beyond the end of the manifest');
    const tail = base64url.decode(prot.formatTail);
    const candidate = new Uint8Array(prot.formatLength + tail.byteLength);
    candidate.set(body.subarray(0, prot.formatLength));
    candidate.set(tail, prot.formatLength);
    if (payload && Buffer.compare(Buffer.from(payload.bytes), Buffer.from(candidate)) !== 0) {
      throw unverified('signatures cover different payloads');
    }
    payload ??= { bytes: candidate, encoded: base64url.encode(candidate) };
    const key = await signingKey(sig.header);
    try {
      await flattenedVerify({ protected: sig.protected, payload: payload.encoded, signature: sig.signature, header: { alg: sig.header.alg } }, key);
    } catch {
      throw unverified('a signature does not match the manifest');
    }
  }
  if (!payload) throw unverified('no signatures');
  return payload.bytes;
}

async function signingKey(header: z.infer<typeof signatureSchema>['header']) {
  try {
    if (header.jwk) return await importJWK(header.jwk as JWK, header.alg);
    const first = header.x5c?.[0];
    if (first) {
      const pem = `-----BEGIN CERTIFICATE-----\n${first.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----`;
      return await importX509(pem, header.alg);
    }
  } catch {
    throw unverified('the signing key in the header cannot be used');
  }
  throw unverified('a signature header has neither jwk nor x5c');
}

export const schema1Format: ManifestFormat = {
  mediaTypes: [MEDIA_TYPES.dockerSchema1Signed, MEDIA_TYPES.dockerSchema1],
  async parse(body, json, mediaType): Promise<ParsedManifest> {
    const signed = Array.isArray(json.signatures);
    let canonical = body;
    let manifestJson: unknown = json;
    if (signed) {
      canonical = await verifiedPayload(body, json.signatures);
      try {
        manifestJson = JSON.parse(new TextDecoder().decode(canonical));
      } catch {
        throw unverified('the signed payload is not JSON');
      }
    }
    const m = validateManifest(schema1Schema, manifestJson, 'Docker image manifest (schema 1)');
    if (m.fsLayers.length !== m.history.length) {
      throw invalid(`fsLayers has ${m.fsLayers.length} entries but history has ${m.history.length}; they must match`);
    }
    if (m.fsLayers.length === 0) throw invalid('fsLayers is empty');
    return {
      mediaType: signed ? MEDIA_TYPES.dockerSchema1Signed : mediaType === MEDIA_TYPES.dockerSchema1Signed ? MEDIA_TYPES.dockerSchema1 : mediaType,
      canonical,
      blobs: [...new Set(m.fsLayers.map((l) => l.blobSum))],
      manifests: [],
      embedded: { name: m.name, tag: m.tag },
    };
  },
};
