/**
 * Everything a repository's JSON shows, gathered for a page of repositories: times and tag
 * counts from core's repository index (one read per page, not per tag), the tags, sizes and
 * deletion status only when they are asked for or known. GitLab's `cleanup_policy_started_at`
 * is set while a cleanup run is at work on the repository; Wharf records runs per project, so it
 * is the start of the project's unfinished run, if one is unfinished, else `null`.
 * @module
 */
import type { ApiDeps } from '../deps.js';
import type { RepositoryView } from '../presenters/registry.js';
import type { DeletionStatuses } from './deletion-statuses.js';
import type { RepositoryRef } from './repositories.js';

/** The optional parts of a repository's JSON to include. */
export interface ViewOptions {
  readonly tags?: boolean | undefined;
  readonly tagsCount?: boolean | undefined;
  readonly size?: boolean | undefined;
}

/** The views of `refs`, in their order. */
export async function repositoryViews(
  deps: ApiDeps,
  refs: readonly RepositoryRef[],
  options: ViewOptions,
  deletions: DeletionStatuses,
): Promise<RepositoryView[]> {
  const management = deps.management;
  const summaries = new Map((await management.index.summaries(refs.map((r) => r.name))).map((s) => [s.name, s]));
  const cleanupStarts = new Map<string, Promise<string | null>>();
  const cleanupStartOf = (project: string) => {
    let start = cleanupStarts.get(project);
    if (!start) {
      start = management.cleanup.policies
        .state(project)
        .then((state) => (state?.cursor ? (state.runs[0]?.startedAt ?? null) : null))
        .catch(() => null);
      cleanupStarts.set(project, start);
    }
    return start;
  };
  return Promise.all(
    refs.map(async (ref): Promise<RepositoryView> => {
      const summary = summaries.get(ref.name);
      const tags = options.tags ? await management.api.manifests.tags(ref.name).catch(() => [] as string[]) : undefined;
      return {
        id: ref.id,
        name: ref.name,
        image: ref.image,
        projectNumber: ref.project.number,
        createdAt: summary?.createdAt ?? null,
        cleanupPolicyStartedAt: await cleanupStartOf(ref.project.path),
        status: deletions.statusOf(ref.name),
        ...(options.tagsCount ? { tagsCount: summary?.tagCount ?? tags?.length ?? 0 } : {}),
        ...(tags ? { tags } : {}),
        ...(options.size ? { size: await management.repositorySize(ref.name) } : {}),
      };
    }),
  );
}
