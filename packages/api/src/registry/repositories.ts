/**
 * Which registry repositories a project has, and finding one by its numeric id.
 *
 * A repository belongs to the project whose path is the longest prefix of its name — the
 * access model's own resolution (`resolveRepository`), the one `/v2` uses to decide who may
 * pull or push it, so this API and `/v2` never disagree about whose image it is. A project
 * whose container registry is turned off has no repositories here: its images stay in storage
 * (turning the registry off deletes nothing) but are hidden, as GitLab hides them.
 *
 * An id the caller cannot read is answered exactly like an id that does not exist (404
 * `Repository Not Found`), so ids tell outsiders nothing.
 * @module
 */
import { type AccessState, type ProjectRecord, registryEnabled, resolveRepository } from '@wharf/access';
import type { Caller } from '../auth/caller.js';
import { canSeeProject, registryActions } from '../auth/rights.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../http/api-error.js';
import { parseRepositoryId, repositoryId } from './repository-ids.js';

/** A repository and where it belongs. */
export interface RepositoryRef {
  /** The full name (`team/app/api`). */
  readonly name: string;
  readonly id: number;
  readonly project: ProjectRecord;
  /** The path below the project (`api`), `''` for the project's own image. */
  readonly image: string;
}

/** The repository `name`, if it belongs to a project (else `null`: nobody's image). */
export function refOf(state: AccessState, name: string): RepositoryRef | null {
  const resolved = resolveRepository(state, name);
  if ('error' in resolved) return null;
  return { name, id: repositoryId(name), project: resolved.project, image: resolved.image };
}

/** The repositories of `project` in lexical order; none when its registry is turned off. */
export async function projectRepositories(deps: ApiDeps, state: AccessState, project: ProjectRecord): Promise<RepositoryRef[]> {
  if (!registryEnabled(project)) return [];
  const names = await deps.management.index.names(project.path);
  // The prefix also covers names a deeper project would own, were paths ever nested.
  return names.map((n) => refOf(state, n)).filter((r): r is RepositoryRef => r !== null && r.project.id === project.id);
}

/** Whether the caller may read the project's images (and see the project). */
export function mayPull(state: AccessState, caller: Caller, project: ProjectRecord): boolean {
  return canSeeProject(state, caller, project) && registryActions(state, caller, project).has('pull');
}

/**
 * The repositories under `prefix` (a group's path, or all) of every project the caller may
 * pull from, in lexical order.
 */
export async function readableRepositories(deps: ApiDeps, state: AccessState, caller: Caller, prefix?: string): Promise<RepositoryRef[]> {
  const names = await deps.management.index.names(prefix);
  const verdicts = new Map<string, boolean>();
  const out: RepositoryRef[] = [];
  for (const name of names) {
    const ref = refOf(state, name);
    if (!ref) continue;
    let readable = verdicts.get(ref.project.id);
    if (readable === undefined) {
      readable = mayPull(state, caller, ref.project);
      verdicts.set(ref.project.id, readable);
    }
    if (readable) out.push(ref);
  }
  return out;
}

/**
 * The repository of `project` with the id in `param`.
 * @throws ApiError 404 `Repository Not Found`
 */
export async function findProjectRepository(
  deps: ApiDeps,
  state: AccessState,
  project: ProjectRecord,
  param: string | undefined,
): Promise<RepositoryRef> {
  const id = parseRepositoryId(param);
  const found = id === null ? undefined : (await projectRepositories(deps, state, project)).find((r) => r.id === id);
  if (!found) throw notFound('Repository');
  return found;
}

/**
 * The repository with the id in `param` among all those the caller may read.
 * @throws ApiError 404 `Repository Not Found`
 */
export async function findReadableRepository(
  deps: ApiDeps,
  state: AccessState,
  caller: Caller,
  param: string | undefined,
): Promise<RepositoryRef> {
  const id = parseRepositoryId(param);
  if (id === null) throw notFound('Repository');
  for (const name of await deps.management.index.names()) {
    if (repositoryId(name) !== id) continue;
    const ref = refOf(state, name);
    if (ref && registryEnabled(ref.project) && mayPull(state, caller, ref.project)) return ref;
  }
  throw notFound('Repository');
}
