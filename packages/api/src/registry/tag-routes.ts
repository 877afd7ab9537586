/**
 * GitLab's container registry tags of one repository: list them (offset pagination, or keyset
 * with `pagination=keyset` — GitLab's preferred way here, and cheap: tag names come sorted from
 * storage), one tag in detail, and delete one tag (the manifest and its blobs stay until garbage
 * collection, as in GitLab). Tag protection judges a delete with the caller as principal; its
 * refusal reaches the client as 403 with the protection's message.
 * @module
 */
import { isRegistryError, isValidTag, parseDigest, type RegistryManagement, type TagDetails } from '@wharf/core';
import { z } from 'zod';
import { type ApiDeps, registryHostOf } from '../deps.js';
import { badParameter, notFound } from '../http/api-error.js';
import { decodeCursor, encodeCursor, keysetHeaders, keysetParams, offsetPage, pageOf } from '../http/pagination.js';
import type { ApiContext, RouteTable } from '../http/route-table.js';
import { presentTag, presentTagDetails } from '../presenters/registry.js';
import { registryContext } from './call-context.js';
import { registryProject, requireRegistryAdmin } from './registry-access.js';
import { findProjectRepository, type RepositoryRef } from './repositories.js';
import { tagDetailsSchema, tagSchema } from './schemas.js';

const listInput = z.object({
  ...keysetParams,
  sort: z.enum(['asc', 'desc']).optional().describe('By name (default `asc`)'),
});

/** Core's "no such tag" answers, which GitLab words `404 Tag Not Found`. */
const TAG_GONE = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'TAG_INVALID']);

async function asTagNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isRegistryError(error) && TAG_GONE.has(error.code)) throw notFound('Tag');
    throw error;
  }
}

/**
 * GitLab's `revision`: the hex digest of the image's config blob, or `null` for a manifest
 * without one (an index) or one that no longer reads.
 */
async function revisionOf(management: RegistryManagement, repository: string, details: TagDetails): Promise<string | null> {
  try {
    const stored = await management.api.manifests.get(repository, { digest: parseDigest(details.digest) });
    const manifest = JSON.parse(new TextDecoder().decode(stored.bytes)) as { config?: { digest?: unknown } };
    const digest = manifest.config?.digest;
    return typeof digest === 'string' ? digest.slice(digest.indexOf(':') + 1) : null;
  } catch {
    return null;
  }
}

/** The repository of the route's `:repository_id` in the project of its `:id`, if the caller may read it. */
async function routeRepository(deps: ApiDeps, c: ApiContext): Promise<RepositoryRef> {
  return findProjectRepository(deps, c.get('state'), registryProject(c), c.req.param('repository_id'));
}

/** The route's `:tag_name`. @throws ApiError 404 `Tag Not Found` for a name no tag can have */
function routeTag(c: ApiContext): string {
  const tag = c.req.param('tag_name') ?? '';
  if (!isValidTag(tag)) throw notFound('Tag');
  return tag;
}

/** Routes for tags. */
export function tagRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/projects/:id/registry/repositories/:repository_id/tags',
    operationId: 'listRegistryRepositoryTags',
    tag: 'container_registry',
    summary: "List a repository's tags",
    description: 'Sorted by name. Offset pagination, or keyset pagination with `pagination=keyset` (follow the `Link` header).',
    access: { auth: 'public', jobToken: true },
    input: listInput,
    response: { status: 200, description: 'The tags', schema: z.array(tagSchema), paginated: 'keyset' },
    errors: [403, 404],
    handler: async (c, input) => {
      const ref = await routeRepository(deps, c);
      const host = registryHostOf(deps, c.req.raw);
      const url = new URL(c.req.url);
      const names = await deps.management.api.manifests.tags(ref.name).catch(() => [] as string[]);
      const descending = input.sort === 'desc';
      if (descending) names.reverse();
      const present = (tags: readonly string[]) => tags.map((t) => presentTag(ref.name, t, host));
      if (input.pagination !== 'keyset') {
        const { items, headers } = offsetPage(names, pageOf(input), url);
        return c.json(present(items), 200, headers);
      }
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      if (input.cursor !== undefined && typeof after !== 'string') throw badParameter('cursor is invalid');
      const { perPage } = pageOf(input);
      const rest = typeof after === 'string' ? names.filter((n) => (descending ? n < after : n > after)) : names;
      const items = rest.slice(0, perPage);
      const last = items.at(-1);
      const next = rest.length > perPage && last !== undefined ? encodeCursor(last) : null;
      return c.json(present(items), 200, keysetHeaders(next, perPage, url));
    },
  });

  table.add({
    method: 'get',
    path: '/projects/:id/registry/repositories/:repository_id/tags/:tag_name',
    operationId: 'getRegistryRepositoryTag',
    tag: 'container_registry',
    summary: 'One tag: its digest, config revision, creation time and total size',
    access: { auth: 'public', jobToken: true },
    response: { status: 200, description: 'The tag', schema: tagDetailsSchema },
    errors: [403, 404],
    handler: async (c) => {
      const ref = await routeRepository(deps, c);
      const tag = routeTag(c);
      const details = await asTagNotFound(() => deps.management.tagDetails(ref.name, tag));
      const revision = await revisionOf(deps.management, ref.name, details);
      return c.json(presentTagDetails(ref.name, details, revision, registryHostOf(deps, c.req.raw)));
    },
  });

  table.add({
    method: 'delete',
    path: '/projects/:id/registry/repositories/:repository_id/tags/:tag_name',
    operationId: 'deleteRegistryRepositoryTag',
    tag: 'container_registry',
    summary: 'Delete one tag',
    description:
      'The manifest stays (other tags may point at it) and blobs stay until garbage collection. Needs the developer role, as in GitLab; ' +
      "403 with the rule's message when tag protection keeps the tag from the caller.",
    access: { auth: 'user', jobToken: true },
    response: { status: 200, description: 'The tag is deleted' },
    errors: [403, 404],
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const ref = await routeRepository(deps, c);
      requireRegistryAdmin(state, caller, ref.project);
      const tag = routeTag(c);
      await asTagNotFound(() => deps.management.deleteTag(ref.name, tag, registryContext(caller)));
      return c.body(null, 200);
    },
  });
}
