/**
 * Moving a project with its images: a path change (`team/app` → `team/service`) or a transfer to
 * another group (`team/app` → `other/app`). GitLab refuses both once a project has images
 * ("Project cannot be transferred, because tags are present in its container registry"); Wharf
 * moves the images with it, through the registry's rename (which moves a repository's files and
 * leaves its blobs where they are, so a move costs file renames, not copies).
 *
 * Order, and why: the access model's rules are checked first (nothing moves for a move that would
 * be refused); then each of the project's repositories is renamed; then the project itself moves
 * in the access store, on the condition that it is still where it was (a concurrent move of the
 * same project fails there instead of scattering its images). Should one repository fail to
 * move (a garbage collection running, a name taken meanwhile), the ones already moved go back
 * and the move is refused with GitLab's message and the reason, so a project never ends up with
 * half its images under another path. Between the first rename and the access store's update —
 * the time a few file renames take — pulls by the old path of a moved repository miss, and pulls
 * by the new path are not yet authorized; once the move answers, every tag pulls by the new path.
 *
 * A push that races the move with a token issued before it may still land under the old path;
 * one more sweep after the access store's update moves such stragglers too. The cleanup policy
 * (stored under the project's path) moves with the project; a storage quota of the new top-level
 * group is not checked (nothing is uploaded).
 * @module
 */
import type { ProjectRecord } from '@wharf/access';
import { type CallContext, isRegistryError, type RegistryManagement } from '@wharf/core';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../http/api-error.js';
import { projectRepositories } from './project-repositories.js';

/** What a move did. */
export interface ProjectMoveResult {
  readonly project: ProjectRecord;
  /** The repositories moved, by their old and new names. */
  readonly repositories: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** GitLab's refusals, by kind of move. */
const REFUSAL = {
  transfer: 'Project cannot be transferred, because tags are present in its container registry',
  path: 'Project cannot be renamed, because tags are present in its container registry',
} as const;

function renamed(name: string, from: string, to: string): string {
  return to + name.slice(from.length);
}

/**
 * Move `project` to `newPath` with its images.
 * @param kind which GitLab operation this is, for the refusal's wording
 * @throws AccessError as the access store's `moveProject` (missing group, path taken, visibility)
 * @throws ApiError 409 with GitLab's message and the reason when the images cannot move now
 */
export async function moveProjectWithImages(
  deps: ApiDeps,
  project: ProjectRecord,
  newPath: string,
  kind: 'transfer' | 'path',
  ctx: CallContext = {},
): Promise<ProjectMoveResult> {
  const plan = await deps.store.checkProjectMove(project.id, newPath);
  if (plan.from === plan.to) return { project: plan.project, repositories: [] };
  const { from, to } = plan;
  const { management } = deps;
  const moved: Array<{ from: string; to: string }> = [];
  const moveAll = async (names: readonly string[]) => {
    for (const name of names) {
      const target = renamed(name, from, to);
      await management.renameRepository(name, target, ctx, { acrossNamespaces: true });
      moved.push({ from: name, to: target });
    }
  };
  try {
    await moveAll(await projectRepositories(management, from));
  } catch (error) {
    await rollBack(management, moved, ctx);
    throw refusal(kind, error);
  }
  let result: ProjectRecord;
  try {
    result = await deps.store.moveProject(project.id, to, { expectedPath: from });
  } catch (error) {
    await rollBack(management, moved, ctx);
    throw error;
  }
  await movePolicy(deps, from, to);
  // Stragglers: pushes under the old path made with tokens issued before the move.
  await moveAll(await projectRepositories(management, from)).catch(() => undefined);
  return { project: result, repositories: moved };
}

/** Put the repositories already moved back where they were, newest first; best effort. */
async function rollBack(management: RegistryManagement, moved: ReadonlyArray<{ from: string; to: string }>, ctx: CallContext): Promise<void> {
  for (const { from, to } of [...moved].reverse()) {
    await management.renameRepository(to, from, ctx, { acrossNamespaces: true }).catch(() => undefined);
  }
}

function refusal(kind: 'transfer' | 'path', error: unknown): unknown {
  if (!isRegistryError(error)) return error;
  return new ApiError(409, `${REFUSAL[kind]}: ${error.message}`);
}

/** The cleanup policy lives under the project's path: it follows the project. */
async function movePolicy(deps: ApiDeps, from: string, to: string): Promise<void> {
  const policies = deps.management.cleanup.policies;
  const policy = await policies.get(from);
  if (!policy) return;
  const { project: _project, savedAt: _savedAt, ...fields } = policy;
  await policies.save(to, fields);
  await policies.delete(from);
}
