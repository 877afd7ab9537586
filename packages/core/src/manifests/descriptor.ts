/** The OCI content descriptor (image-spec descriptor.md) as a zod schema. @module */
import { z } from 'zod';
import { tryParseDigest } from '../digest.js';
import { boundedArray, boundedRecord } from './bounded-collections.js';

const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export const mediaTypeSchema = z.string().regex(MEDIA_TYPE, 'not a valid media type (type/subtype)');

export const digestSchema = z
  .string()
  .refine((d) => tryParseDigest(d) !== null, 'not a valid digest (sha256:<64 hex> or sha512:<128 hex>)');

export const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': boundedArray(z.string()).optional(),
  variant: z.string().optional(),
  features: boundedArray(z.string()).optional(),
});

export const annotationsSchema = boundedRecord(z.string());

export const descriptorSchema = z.looseObject({
  mediaType: mediaTypeSchema,
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  urls: boundedArray(z.string()).optional(),
  annotations: annotationsSchema.optional(),
  data: z.string().optional(),
  artifactType: mediaTypeSchema.optional(),
  platform: platformSchema.optional(),
});

export type Descriptor = z.infer<typeof descriptorSchema>;
