/**
 * GitLab's repository `status` (`delete_scheduled`, `delete_ongoing`, `delete_failed`), from the
 * repository deletions this API started. Core runs a deletion in the background and knows it
 * by a job id; this remembers which job deleted which repository, so that the repository's JSON
 * can say where its deletion stands while it is still listed. Per process, like core's jobs: on
 * another server sharing the storage the status is `null` until the repository is gone.
 * @module
 */
import type { RegistryManagement } from '@wharf/core';
import type { RepositoryStatus } from '../presenters/registry.js';

/** Repositories remembered at most (the oldest finished ones are forgotten first). */
const KEEP = 1000;

/** The deletions started through this API, by repository name. */
export class DeletionStatuses {
  readonly #jobs = new Map<string, string>();

  constructor(private readonly management: RegistryManagement) {}

  /** Remember that job `jobId` deletes `repository`. */
  started(repository: string, jobId: string): void {
    this.#jobs.delete(repository);
    this.#jobs.set(repository, jobId);
    for (const [name, id] of this.#jobs) {
      if (this.#jobs.size <= KEEP) break;
      if (this.management.deletion(id)?.status !== 'running') this.#jobs.delete(name);
    }
  }

  /** Where the deletion of `repository` stands; `null` when none is known or it is done (pushed again since). */
  statusOf(repository: string): RepositoryStatus {
    const id = this.#jobs.get(repository);
    const job = id === undefined ? undefined : this.management.deletion(id);
    if (!job) return null;
    if (job.status === 'running') return job.tagsDeleted === 0 && job.manifestsDeleted === 0 ? 'delete_scheduled' : 'delete_ongoing';
    if (job.status === 'failed') return 'delete_failed';
    return null;
  }
}
