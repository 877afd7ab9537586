/**
 * OCI image indexes (image-spec image-index.md) and Docker manifest lists (manifest-v2-2.md).
 * Every child must already be a manifest of the same repository.
 * @module
 */
import { z } from 'zod';
import { annotationsSchema, descriptorSchema, mediaTypeSchema } from '../descriptor.js';
import { MEDIA_TYPES } from '../media-types.js';
import type { ManifestFormat, ParsedManifest } from '../parsed-manifest.js';
import { boundedArray } from '../bounded-collections.js';
import { validateManifest } from './validate.js';

const ociIndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.literal(MEDIA_TYPES.ociIndex).optional(),
  artifactType: mediaTypeSchema.optional(),
  manifests: boundedArray(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: annotationsSchema.optional(),
});

const manifestListSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.literal(MEDIA_TYPES.dockerManifestList),
  manifests: boundedArray(descriptorSchema),
});

export const ociIndexFormat: ManifestFormat = {
  mediaTypes: [MEDIA_TYPES.ociIndex],
  parse(body, json): ParsedManifest {
    const m = validateManifest(ociIndexSchema, json, 'OCI image index');
    return {
      mediaType: MEDIA_TYPES.ociIndex,
      canonical: body,
      blobs: [],
      manifests: m.manifests.map((d) => d.digest),
      children: m.manifests,
      ...(m.subject ? { subject: m.subject } : {}),
      ...(m.artifactType ? { artifactType: m.artifactType } : {}),
      ...(m.annotations ? { annotations: m.annotations } : {}),
    };
  },
};

export const manifestListFormat: ManifestFormat = {
  mediaTypes: [MEDIA_TYPES.dockerManifestList],
  parse(body, json): ParsedManifest {
    const m = validateManifest(manifestListSchema, json, 'Docker manifest list');
    return {
      mediaType: MEDIA_TYPES.dockerManifestList,
      canonical: body,
      blobs: [],
      manifests: m.manifests.map((d) => d.digest),
      children: m.manifests,
    };
  },
};
