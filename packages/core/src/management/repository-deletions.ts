/**
 * Deleting a whole repository, in the background: a repository can hold thousands of tags, and
 * an HTTP client should not wait for all of them. Each tag and manifest is deleted through the
 * registry API (so delete events fire and caches hear of it), then the repository's directory
 * goes with whatever is left (links, referrer entries, upload sessions), and one last `onDelete`
 * with `kind: 'repository'` says the repository is gone. Blobs stay in the store
 * until garbage collection finds them unreferenced. Status lives in this process.
 * @module
 */
import { ulid } from 'ulid';
import { emit } from '../events/emit.js';
import type { CallContext, RegistryApi } from '../api/registry-api.js';
import { parseDigest } from '../digest.js';
import { PathNotFoundError } from '../storage/driver.js';
import { pathFor } from '../storage/paths.js';

export interface RepositoryDeletion {
  readonly id: string;
  readonly repository: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly tagsDeleted: number;
  readonly manifestsDeleted: number;
  readonly error: string | null;
}

/** Finished deletions remembered for status polls. */
const KEEP_FINISHED = 1000;

export class RepositoryDeletions {
  readonly #jobs = new Map<string, RepositoryDeletion>();

  constructor(
    private readonly api: RegistryApi,
    private readonly onDeleted: (repository: string) => void,
  ) {}

  /** Start deleting; returns at once with the job (poll {@link get}), and the promise of its end. */
  start(repository: string, ctx: CallContext = {}): { job: RepositoryDeletion; done: Promise<RepositoryDeletion> } {
    const running = [...this.#jobs.values()].find((j) => j.repository === repository && j.status === 'running');
    if (running) return { job: running, done: this.#waitFor(running.id) };
    const job: RepositoryDeletion = {
      id: ulid(),
      repository,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      tagsDeleted: 0,
      manifestsDeleted: 0,
      error: null,
    };
    this.#set(job);
    const done = this.#run(job, ctx);
    return { job, done };
  }

  get(id: string): RepositoryDeletion | undefined {
    return this.#jobs.get(id);
  }

  async #run(initial: RepositoryDeletion, ctx: CallContext): Promise<RepositoryDeletion> {
    let job = initial;
    const update = (patch: Partial<RepositoryDeletion>) => {
      job = { ...job, ...patch };
      this.#set(job);
    };
    const name = job.repository;
    try {
      const tags = await this.api.manifests.tags(name).catch(() => [] as string[]);
      for (const tag of tags) {
        await this.api.deleteManifest(name, { tag }, ctx, 'repository').catch(ignoreGone);
        update({ tagsDeleted: job.tagsDeleted + 1 });
      }
      const revisions = await this.#revisions(name);
      for (const digest of revisions) {
        await this.api.deleteManifest(name, { digest: parseDigest(digest) }, ctx, 'repository').catch(ignoreGone);
        update({ manifestsDeleted: job.manifestsDeleted + 1 });
      }
      await this.api.options.storage.delete(pathFor({ kind: 'repository', name })).catch(ignoreGone);
      this.onDeleted(name);
      await emit(this.api.hooks, 'onDelete', { kind: 'repository', repository: name, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
      update({ status: 'done', finishedAt: new Date().toISOString() });
    } catch (error) {
      update({ status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) });
    }
    return job;
  }

  async #revisions(name: string): Promise<string[]> {
    const driver = this.api.options.storage;
    const out: string[] = [];
    const root = pathFor({ kind: 'revisionsDir', name });
    const algorithms = await driver.list(root).catch(() => [] as string[]);
    for (const dir of algorithms) {
      const algorithm = dir.slice(dir.lastIndexOf('/') + 1);
      for (const file of await driver.list(dir).catch(() => [] as string[])) out.push(`${algorithm}:${file.slice(file.lastIndexOf('/') + 1)}`);
    }
    return out;
  }

  async #waitFor(id: string): Promise<RepositoryDeletion> {
    for (;;) {
      const job = this.#jobs.get(id);
      if (job?.status !== 'running') return job as RepositoryDeletion;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #set(job: RepositoryDeletion): void {
    this.#jobs.set(job.id, job);
    if (this.#jobs.size > KEEP_FINISHED) {
      for (const [id, j] of this.#jobs) {
        if (j.status !== 'running') {
          this.#jobs.delete(id);
          break;
        }
      }
    }
  }
}

/** A tag or manifest already gone (deleted by someone else meanwhile) is fine. */
function ignoreGone(error: unknown): void {
  if (error instanceof PathNotFoundError) return;
  if (error instanceof Error && 'code' in error && ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN'].includes(String(error.code))) return;
  throw error;
}
