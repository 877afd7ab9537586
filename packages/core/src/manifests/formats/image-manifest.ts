/**
 * OCI image manifests (image-spec manifest.md, including artifacts with `artifactType` and
 * `subject`) and Docker image manifests, schema 2 (manifest-v2-2.md). Same shape, different
 * rules on what is required.
 * @module
 */
import { z } from 'zod';
import { descriptorSchema, annotationsSchema, mediaTypeSchema, type Descriptor } from '../descriptor.js';
import { FOREIGN_LAYER_TYPES, MEDIA_TYPES } from '../media-types.js';
import type { ManifestFormat, ParsedManifest } from '../parsed-manifest.js';
import { boundedArray } from '../bounded-collections.js';
import { validateManifest } from './validate.js';

const ociManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.literal(MEDIA_TYPES.ociManifest).optional(),
  artifactType: mediaTypeSchema.optional(),
  config: descriptorSchema,
  layers: boundedArray(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: annotationsSchema.optional(),
});

const dockerSchema2Schema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.literal(MEDIA_TYPES.dockerSchema2),
  config: descriptorSchema,
  layers: boundedArray(descriptorSchema),
});

/** Layers that are required to be in the registry: all but foreign ones that carry URLs. */
function requiredBlobs(config: Descriptor, layers: readonly Descriptor[]): string[] {
  const required = layers.filter((l) => !(FOREIGN_LAYER_TYPES.has(l.mediaType) && (l.urls?.length ?? 0) > 0));
  return [config.digest, ...required.map((l) => l.digest)];
}

export const ociManifestFormat: ManifestFormat = {
  mediaTypes: [MEDIA_TYPES.ociManifest],
  parse(body, json): ParsedManifest {
    const m = validateManifest(ociManifestSchema, json, 'OCI image manifest');
    return {
      mediaType: MEDIA_TYPES.ociManifest,
      canonical: body,
      blobs: requiredBlobs(m.config, m.layers),
      manifests: [],
      ...(m.subject ? { subject: m.subject } : {}),
      artifactType: m.artifactType ?? m.config.mediaType,
      ...(m.annotations ? { annotations: m.annotations } : {}),
    };
  },
};

export const dockerSchema2Format: ManifestFormat = {
  mediaTypes: [MEDIA_TYPES.dockerSchema2],
  parse(body, json): ParsedManifest {
    const m = validateManifest(dockerSchema2Schema, json, 'Docker image manifest (schema 2)');
    return {
      mediaType: MEDIA_TYPES.dockerSchema2,
      canonical: body,
      blobs: requiredBlobs(m.config, m.layers),
      manifests: [],
      artifactType: m.config.mediaType,
    };
  },
};
