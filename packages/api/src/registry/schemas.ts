/**
 * The JSON bodies of the container registry API as zod schemas, for the OpenAPI document only
 * (the presenters build the bodies).
 * @module
 */
import { z } from 'zod';

/** A tag as listed. */
export const tagSchema = z.object({
  name: z.string(),
  path: z.string().describe('`<repository>:<tag>`'),
  location: z.string().describe('`<registry host>/<repository>:<tag>`, what `docker pull` takes'),
});

/** A repository. */
export const repositorySchema = z.object({
  id: z.number().int().describe('Derived from the full name: stable across servers and restarts, new after a rename'),
  name: z.string().describe("The path below the project; `''` for the project's own image"),
  path: z.string().describe('The full name'),
  project_id: z.number().int(),
  location: z.string(),
  created_at: z.string().nullable(),
  cleanup_policy_started_at: z.string().nullable(),
  status: z.enum(['delete_scheduled', 'delete_ongoing', 'delete_failed']).nullable(),
  tags_count: z.number().int().optional(),
  tags: z.array(tagSchema).optional(),
  size: z.number().int().optional(),
});

/** One tag in detail. */
export const tagDetailsSchema = tagSchema.extend({
  revision: z.string().nullable().describe("The image config's hex digest; null for a multi-arch index"),
  short_revision: z.string().nullable(),
  digest: z.string(),
  created_at: z.string().nullable(),
  total_size: z.number().int().describe('Bytes of the manifest, config and layers, each blob once'),
});
