/**
 * What a cleanup runs against: a few operations over repositories and tags, so the runner can
 * be tested with a fake and used with any registry. {@link registryCleanupTarget} implements
 * it over core's {@link RegistryApi}.
 * @module
 */
import type { CallContext, RegistryApi } from '../../api/registry-api.js';
import { listRepositories } from '../../api/catalog.js';
import { tryParseDigest } from '../../digest.js';
import { isRegistryError } from '../../errors/registry-error.js';
import { exists } from '../../storage/not-found.js';
import { pathFor } from '../../storage/paths.js';
import type { CleanupTag } from './plan.js';

export interface CleanupTarget {
  /** The repositories of a project (it and those below it), in lexical order. */
  listRepositories(project: string): Promise<string[]>;
  /**
   * A repository's tags; `digest` is `null` for a tag whose manifest is missing or unreadable,
   * and `protected` marks the tags the registry's tag protection keeps from automated deletes.
   * @throws RegistryError NAME_UNKNOWN when the repository does not exist (the runner skips it).
   */
  listTags(repository: string): Promise<CleanupTag[]>;
  /**
   * Delete a tag (the manifest stays).
   * @returns `false` when the tag was already gone (another run, a user): not a failure.
   */
  deleteTag(repository: string, tag: string): Promise<boolean>;
}

export interface RegistryCleanupTargetOptions {
  /** Passed as the principal of `onDelete` events (default `{ subject: 'cleanup-policy' }`). */
  readonly principal?: unknown;
  /** Tag reads in flight per repository (default 16). */
  readonly concurrency?: number;
  /**
   * Repositories to leave alone for now, e.g. those of a project whose registry is turned off
   * (turning it off must delete nothing): a run neither lists nor deletes their tags, and they
   * are cleaned again by the first run after they are no longer paused.
   */
  readonly paused?: (repository: string) => boolean | Promise<boolean>;
}

/**
 * A target over a registry's programmatic API. Deletes go through `api.deleteManifest`, so
 * `onDelete` hooks fire and a registry with deletes turned off refuses them (each is recorded
 * as a failure); so does tag protection, should a tag become protected between the listing
 * and its delete. The listing marks the tags tag protection keeps (`protected`). A tag's creation time is its `createdAt`, else its `updatedAt`, else the
 * manifest's `pushedAt` (tags written before Wharf recorded times), else unknown.
 * @example
 * const target = registryCleanupTarget(registry.api);
 */
export function registryCleanupTarget(api: RegistryApi, options: RegistryCleanupTargetOptions = {}): CleanupTarget {
  const ctx: CallContext = { principal: options.principal ?? { subject: 'cleanup-policy' } };
  const concurrency = Math.max(1, options.concurrency ?? 16);

  const readTag = async (repository: string, name: string): Promise<CleanupTag | null> => {
    let link: Awaited<ReturnType<typeof api.manifests.resolve>>;
    try {
      link = await api.manifests.resolve(repository, { tag: name });
    } catch (error) {
      if (!isRegistryError(error) || error.code !== 'MANIFEST_UNKNOWN') throw error;
      // gone since the listing, or a tag file that does not decode: a tag without a manifest
      return (await tagExists(api, repository, name)) ? { name, digest: null, createdAt: null } : null;
    }
    const digest = tryParseDigest(link.digest);
    const revision = digest ? await api.manifests.resolve(repository, { digest }).catch(() => null) : null;
    if (!revision) return { name, digest: null, createdAt: null };
    const time = link.createdAt ?? link.updatedAt ?? revision.pushedAt;
    const createdAt = time === undefined ? null : new Date(time);
    return { name, digest: link.digest, createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null };
  };

  return {
    async listRepositories(project) {
      const names = await listRepositories(api.options.storage, project);
      const paused = options.paused;
      if (!paused) return names;
      const kept: string[] = [];
      for (const name of names) if (!(await paused(name))) kept.push(name);
      return kept;
    },

    async listTags(repository) {
      const names = await api.manifests.tags(repository);
      const out: (CleanupTag | null)[] = new Array(names.length).fill(null);
      let next = 0;
      const worker = async () => {
        while (next < names.length) {
          const i = next++;
          out[i] = await readTag(repository, names[i] as string);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
      const tags = out.filter((t): t is CleanupTag => t !== null);
      const protection = api.tagProtection;
      if (!protection || tags.length === 0) return tags;
      const kept = await protection.protectedTags(repository, tags.map((t) => t.name));
      return tags.map((t) => (kept.has(t.name) ? { ...t, protected: true } : t));
    },

    async deleteTag(repository, tag) {
      try {
        await api.deleteManifest(repository, { tag }, ctx);
        return true;
      } catch (error) {
        if (isRegistryError(error) && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')) return false;
        throw error;
      }
    },
  };
}

function tagExists(api: RegistryApi, repository: string, tag: string): Promise<boolean> {
  return exists(api.options.storage, pathFor({ kind: 'tag', name: repository, tag }));
}
