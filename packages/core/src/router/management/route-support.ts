/**
 * What the management routes share: the caller's access checks and visibility filter, query
 * validation, and the mapping of cleanup errors to registry errors.
 * @module
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { eventRequest } from '../../events/emit.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { AccessRequest } from '../../hooks.js';
import { CleanupPolicyError } from '../../lifecycle/cleanup/errors.js';
import { covers } from '../../auth/scope.js';
import type { RegistryManagement } from '../../management/registry-management.js';
import type { RepositoryDeletion } from '../../management/repository-deletions.js';
import type { VisibilityFilter } from '../../management/visibility.js';

/**
 * Decides what the caller of a management request may do among `wanted`; throws a
 * RegistryError (e.g. UNAUTHORIZED with a challenge) to refuse outright. It may be called
 * several times for one request (a listing asks in batches).
 */
export type ManagementAuthorizer = (request: Request, wanted: readonly AccessRequest[], env: unknown) => Promise<readonly AccessRequest[]>;

export const pull = (name: string): AccessRequest => ({ type: 'repository', name, actions: ['pull'] });
export const del = (name: string): AccessRequest => ({ type: 'repository', name, actions: ['delete'] });
export const catalog: AccessRequest = { type: 'registry', name: 'catalog', actions: ['*'] };

/** The per-request helpers the routes use. */
export interface ManagementContext {
  readonly management: RegistryManagement;
  /** @throws RegistryError DENIED unless the caller has `access`. */
  need(c: Context, access: AccessRequest): Promise<void>;
  /** Whether the caller has `access`. */
  may(c: Context, access: AccessRequest): Promise<boolean>;
  /** The caller's filter for listings: the names it may pull. */
  visibleTo(c: Context): VisibilityFilter;
  /** Who is calling, for events. */
  callOf(c: Context): { principal: unknown; request: ReturnType<typeof eventRequest> };
}

export function managementContext(management: RegistryManagement, authorize: ManagementAuthorizer): ManagementContext {
  const may = async (c: Context, access: AccessRequest) => covers(await authorize(c.req.raw, [access], c.env), access);
  return {
    management,
    may,
    async need(c, access) {
      if (!(await may(c, access))) {
        throw new RegistryError('DENIED', `requested access to ${access.type} ${access.name} (${access.actions.join(',')}) is denied`);
      }
    },
    visibleTo: (c) => async (names) => {
      const granted = await authorize(c.req.raw, names.map(pull), c.env);
      // A set of what was granted keeps a batch linear (covers() per name would be quadratic).
      const pullable = new Set<string>();
      for (const g of granted) if (g.type === 'repository' && (g.actions.includes('pull') || g.actions.includes('*'))) pullable.add(g.name);
      return names.filter((n) => pullable.has(n));
    },
    callOf: (c) => ({ principal: (c.env as { wharfPrincipal?: unknown } | undefined)?.wharfPrincipal, request: eventRequest(c.req.raw) }),
  };
}

/** @throws RegistryError PARAMETER_INVALID (PAGINATION_NUMBER_INVALID for `per_page`) naming the first bad field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = (issue?.path.join('.') || 'request').slice(0, 100);
    const code = field === 'per_page' ? 'PAGINATION_NUMBER_INVALID' : 'PARAMETER_INVALID';
    throw new RegistryError(code, `invalid ${field}: ${(issue?.message ?? 'unreadable').slice(0, 300)}`);
  }
  return result.data;
}

/** Run a cleanup call, turning its validation errors into registry errors (400, or 404 for no policy). */
export async function cleanupCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CleanupPolicyError) {
      if (error.field === 'project' && /no (cleanup )?policy/i.test(error.message)) throw new RegistryError('NOT_FOUND', error.message);
      throw new RegistryError(error.field === 'project' ? 'NAME_INVALID' : 'PARAMETER_INVALID', error.message, {
        detail: { field: error.field, issues: error.issues },
      });
    }
    throw error;
  }
}

export function nextLink(c: Context, cursor: string): string {
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

export function presentDeletion(job: RepositoryDeletion) {
  return {
    id: job.id,
    repository: job.repository,
    status: job.status,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    tags_deleted: job.tagsDeleted,
    manifests_deleted: job.manifestsDeleted,
    error: job.error,
  };
}
