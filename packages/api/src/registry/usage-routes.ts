/**
 * Wharf's extra: container registry storage of a project or a group (`GET /projects/:id/
 * registry/usage`, `GET /groups/:id/registry/usage`) — what the old management API's `/usage`
 * answered. Sizes are deduplicated: a blob shared by two repositories counts once in
 * `total_size`, and each repository's `size` counts everything its tags reach. A group's usage
 * covers only the projects whose images the caller may read.
 * @module
 */
import { z } from 'zod';
import { findGroup } from '../auth/find.js';
import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route-table.js';
import { registryProject } from './registry-access.js';
import { projectRepositories, readableRepositories, type RepositoryRef } from './repositories.js';

const usageSchema = z.object({
  total_size: z.number().int().describe('Bytes, each blob counted once'),
  repositories: z.array(z.object({ id: z.number().int(), path: z.string(), size: z.number().int() })),
});

async function usageOf(deps: ApiDeps, prefix: string, refs: readonly RepositoryRef[]) {
  const ids = new Map(refs.map((r) => [r.name, r.id]));
  const usage = await deps.management.usage(prefix, { visible: async (names) => names.filter((n) => ids.has(n)) });
  return {
    total_size: usage.total,
    repositories: usage.repositories.map((r) => ({ id: ids.get(r.name) ?? null, path: r.name, size: r.size })),
  };
}

/** The usage routes. */
export function usageRoutes(table: RouteTable, deps: ApiDeps): void {
  table.add({
    method: 'get',
    path: '/projects/:id/registry/usage',
    operationId: 'getProjectRegistryUsage',
    tag: 'container_registry',
    summary: "A project's container registry storage, deduplicated (Wharf)",
    access: { auth: 'public', jobToken: true },
    response: { status: 200, description: 'The usage', schema: usageSchema },
    errors: [403, 404],
    handler: async (c) => {
      const project = registryProject(c);
      return c.json(await usageOf(deps, project.path, await projectRepositories(deps, c.get('state'), project)));
    },
  });

  table.add({
    method: 'get',
    path: '/groups/:id/registry/usage',
    operationId: 'getGroupRegistryUsage',
    tag: 'container_registry',
    summary: "A group's container registry storage, deduplicated, over the projects the caller may read (Wharf)",
    access: { auth: 'public' },
    response: { status: 200, description: 'The usage', schema: usageSchema },
    errors: [404],
    handler: async (c) => {
      const state = c.get('state');
      const caller = c.get('caller');
      const group = findGroup(state, caller, c.req.param('id') ?? '');
      return c.json(await usageOf(deps, group.path, await readableRepositories(deps, state, caller, group.path)));
    },
  });
}
