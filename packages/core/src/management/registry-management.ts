/**
 * The management API: what a registry page and automation need beyond the distribution API —
 * repositories under a path with search, sort and keyset pagination, tags with their details,
 * deletes of tags (one, several) and of whole repositories, and deduplicated usage.
 * Shaped after GitLab's container registry API; the HTTP routes in `./routes.ts` are a thin
 * layer over this class.
 * @module
 */
import type { CallContext, RegistryApi } from '../api/registry-api.js';
import { RegistryError } from '../errors/registry-error.js';
import { assertValidName, assertValidTag, isValidTag } from '../names.js';
import { ContentSizes } from './content-sizes.js';
import { keysetPage, type SortOrder } from './keyset.js';
import { filterVisible, trustedVisible, type VisibilityFilter } from './visibility.js';
import { BackgroundWork } from './background-work.js';
import { RepositoryDeletions, type RepositoryDeletion } from './repository-deletions.js';
import { RepositoryIndex, type RepositorySummary } from './repository-index.js';
import { checkRename, isRepository, moveRepositoryFiles, type RenameOptions } from './repository-rename.js';
import { asMover } from '../gc/movers.js';
import { emit } from '../events/emit.js';
import { createCleanup, type Cleanup, type CleanupOptions } from '../lifecycle/cleanup/create-cleanup.js';
import { TagRecordCache } from './tag-record-cache.js';
import { readTagRecords, type TagRecord } from './tag-records.js';
import { type Platform, readPlatforms } from './platforms.js';
import { deleteStates } from '../api/tag-protection.js';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

export interface ListRepositoriesQuery {
  /** A path: the repository of that name and those below it (`team/app` covers `team/app/api`). */
  readonly prefix?: string;
  /** Keep names containing this text. */
  readonly search?: string;
  readonly sort?: 'name' | 'created' | 'updated';
  readonly order?: SortOrder;
  /** Page size (default 20, at most 100). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
  /** Compute each repository's deduplicated size (default true). */
  readonly withSize?: boolean;
  /**
   * The repositories the caller may see; the others are left out before anything is sorted,
   * paged or put in a cursor (default: all of them; the HTTP routes always pass the caller's).
   */
  readonly visible?: VisibilityFilter;
}

export interface RepositoryItem extends RepositorySummary {
  /** Bytes of everything its tags reach, each blob counted once; `null` when not asked for. */
  readonly size: number | null;
}

export interface ListTagsQuery {
  /** Keep tags whose name contains this text. */
  readonly name?: string;
  readonly sort?: 'name' | 'created' | 'updated';
  readonly order?: SortOrder;
  readonly limit?: number;
  readonly cursor?: string;
  /** Also the repository's deduplicated size (default false). */
  readonly withSize?: boolean;
}

export interface TagDetails extends TagRecord {
  /** Bytes of the manifest, its config and layers (and, for an index, its children's), each blob once. */
  readonly totalSize: number;
  /** Distinct blobs the tag reaches. */
  readonly blobCount: number;
  /** Child manifests, for an index or manifest list. */
  readonly manifests: readonly string[];
  /** What an index or manifest list runs on (`linux/arm64/v8`…), attestations left out; `[]` for a single image. */
  readonly platforms: readonly Platform[];
}

export interface BulkDeleteResult {
  readonly deleted: readonly string[];
  readonly notFound: readonly string[];
  readonly failed: ReadonlyArray<{ readonly tag: string; readonly error: string }>;
}

export class RegistryManagement {
  readonly index: RepositoryIndex;
  readonly sizes: ContentSizes;
  /** Cleanup policies, runs and GitLab's bulk delete over this registry (the scheduler is not started). */
  readonly cleanup: Cleanup;
  readonly #deletions: RepositoryDeletions;
  /** Tag records of the repositories looked at last (a large repository's pages read them once). */
  readonly #tags: TagRecordCache;
  /** Deletions and collections started through this API and still running: `await background.settled()` before closing storage. */
  readonly background = new BackgroundWork();
  /** Renames in this process run one at a time: two renames to one name must not both pass the check. */
  readonly #renames = new SerialQueue();

  constructor(
    readonly api: RegistryApi,
    options: { readonly cleanup?: CleanupOptions } = {},
  ) {
    this.index = new RepositoryIndex(api);
    this.sizes = new ContentSizes(api);
    this.#tags = new TagRecordCache(api);
    this.cleanup = createCleanup(api, options.cleanup);
    this.#deletions = new RepositoryDeletions(api, (name) => this.index.forget(name));
  }

  /** A page of repositories. @throws RegistryError NAME_INVALID for a bad prefix, PAGINATION_NUMBER_INVALID */
  async listRepositories(query: ListRepositoriesQuery = {}): Promise<{ items: RepositoryItem[]; next: string | null }> {
    if (query.prefix) assertValidName(query.prefix);
    const limit = pageSize(query.limit);
    let candidates = await this.index.names(query.prefix);
    if (query.search) candidates = candidates.filter((n) => n.includes(query.search as string));
    const names = await filterVisible(candidates, (n) => n, query.visible);
    const sort = query.sort ?? 'name';
    const order = query.order ?? 'asc';
    let pageOf: { items: RepositorySummary[]; next: string | null };
    if (sort === 'name') {
      const named = keysetPage(names, (n) => n, (n) => n, order, limit, query.cursor);
      pageOf = { items: await this.index.summaries(named.items), next: named.next };
    } else {
      // Summaries of visible names only, so the filter on tags keeps the list visible.
      const all = trustedVisible((await this.index.summaries(names)).filter((s) => s.tagCount > 0));
      const key = (s: RepositorySummary) => (sort === 'created' ? s.createdAt : s.updatedAt) ?? '';
      pageOf = keysetPage(all, key, (s) => s.name, order, limit, query.cursor);
    }
    const withSize = query.withSize ?? true;
    const items = await Promise.all(
      pageOf.items.map(async (s): Promise<RepositoryItem> => ({ ...s, size: withSize ? await this.repositorySize(s.name) : null })),
    );
    return { items, next: pageOf.next };
  }

  /** Deduplicated bytes of everything a repository's tags reach. */
  async repositorySize(repository: string): Promise<number> {
    const tags = await this.#tags.records(repository).catch(() => [] as TagRecord[]);
    return ContentSizes.total(await this.sizes.closure(repository, new Set(tags.map((t) => t.digest))));
  }

  /**
   * A page of tags; with `withSize`, also the repository's deduplicated size, from the same
   * read of its tags (a page showing both reads a 10,000-tag repository once, not twice).
   * @throws RegistryError NAME_UNKNOWN, NAME_INVALID
   */
  async listTags(repository: string, query: ListTagsQuery = {}): Promise<{ items: TagRecord[]; next: string | null; size?: number }> {
    assertValidName(repository);
    const all = await this.#tags.records(repository);
    const tags = query.name ? all.filter((t) => t.name.includes(query.name as string)) : all;
    const sort = query.sort ?? 'name';
    const key = (t: TagRecord) => (sort === 'name' ? t.name : sort === 'created' ? (t.createdAt ?? '') : (t.updatedAt ?? ''));
    // Tags of one repository: callers check pull on the repository first.
    const page = keysetPage(trustedVisible(tags), key, (t) => t.name, query.order ?? 'asc', pageSize(query.limit), query.cursor);
    if (!query.withSize) return page;
    return { ...page, size: ContentSizes.total(await this.sizes.closure(repository, new Set(all.map((t) => t.digest)))) };
  }

  /** One tag with its total size. @throws RegistryError MANIFEST_UNKNOWN, NAME_UNKNOWN, TAG_INVALID */
  async tagDetails(repository: string, tag: string): Promise<TagDetails> {
    assertValidName(repository);
    assertValidTag(tag);
    const link = await this.api.manifests.resolve(repository, { tag });
    const [closure, platforms] = await Promise.all([
      this.sizes.closure(repository, [link.digest]),
      readPlatforms(this.api, repository, link.digest, link.mediaType),
    ]);
    return {
      name: tag,
      digest: link.digest,
      mediaType: link.mediaType,
      size: link.size,
      createdAt: link.createdAt ?? null,
      updatedAt: link.updatedAt ?? link.createdAt ?? null,
      totalSize: ContentSizes.total(closure),
      blobCount: closure.blobs.size,
      manifests: [...closure.manifests.keys()].filter((d) => d !== link.digest),
      platforms,
    };
  }

  /** Delete one tag (the manifest stays). @throws RegistryError MANIFEST_UNKNOWN, UNSUPPORTED, DENIED (a protected tag) */
  async deleteTag(repository: string, tag: string, ctx: CallContext = {}): Promise<void> {
    assertValidTag(tag);
    await this.api.deleteManifest(repository, { tag }, ctx);
  }

  /**
   * Delete several tags by name; reports each (a protected tag the caller may not delete is
   * reported in `failed` with the protection's message).
   * @throws RegistryError TAG_INVALID for a malformed name (nothing is deleted)
   */
  async deleteTags(repository: string, tags: readonly string[], ctx: CallContext = {}): Promise<BulkDeleteResult> {
    assertValidName(repository);
    const invalid = tags.find((t) => !isValidTag(t));
    if (invalid !== undefined) throw new RegistryError('TAG_INVALID', `invalid tag ${JSON.stringify(invalid.slice(0, 200))}`);
    const deleted: string[] = [];
    const notFound: string[] = [];
    const failed: { tag: string; error: string }[] = [];
    for (const tag of new Set(tags)) {
      try {
        await this.api.deleteManifest(repository, { tag }, ctx);
        deleted.push(tag);
      } catch (error) {
        if (error instanceof RegistryError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')) notFound.push(tag);
        else if (error instanceof RegistryError && error.code === 'UNSUPPORTED') throw error;
        else failed.push({ tag, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { deleted, notFound, failed };
  }

  /**
   * Delete a repository with all its tags, in the background. With tag protection, all its
   * tags are checked before the deletion starts: one the caller may not delete (an immutable
   * tag: anyone) refuses the whole deletion.
   * @throws RegistryError NAME_UNKNOWN when it does not exist, UNSUPPORTED when deletes are
   *   off, DENIED (tag protection).
   */
  async deleteRepository(repository: string, ctx: CallContext = {}): Promise<{ job: RepositoryDeletion; done: Promise<RepositoryDeletion> }> {
    assertValidName(repository);
    if (!this.api.deletesEnabled) throw new RegistryError('UNSUPPORTED', 'deletes are disabled on this registry');
    if (!(await this.api.manifests.repositoryExists(repository))) {
      throw new RegistryError('NAME_UNKNOWN', `repository ${repository} is not known to the registry`, { detail: { name: repository } });
    }
    await this.#checkRepositoryDelete(repository, ctx);
    const started = this.#deletions.start(repository, ctx);
    this.background.track(started.done);
    return started;
  }

  /**
   * Rename (move) a repository with its images, within its top-level namespace unless
   * `options.acrossNamespaces`; see `repository-rename.ts`. Pulls by the new name work as soon
   * as this resolves.
   * @param options.acrossNamespaces let the new name be in another top-level namespace (default
   *   false; for hosts that checked the move themselves, such as a project transfer)
   * @throws RegistryError NAME_INVALID, NAME_UNKNOWN (no such repository), NAME_CONFLICT (the new
   *   name exists), UNAVAILABLE (a garbage collection is running)
   */
  async renameRepository(
    from: string,
    to: string,
    ctx: CallContext = {},
    options: RenameOptions = {},
  ): Promise<{ from: string; to: string; files: number }> {
    checkRename(from, to, options);
    const driver = this.api.options.storage;
    return this.#renames.run(async () => {
      if (!(await isRepository(driver, from))) {
        throw new RegistryError('NAME_UNKNOWN', `repository ${from} is not known to the registry`, { detail: { name: from } });
      }
      if (await isRepository(driver, to)) {
        throw new RegistryError('NAME_CONFLICT', `repository ${to} exists already`, { detail: { name: to } });
      }
      // Never during a garbage collection: its mark could miss files on the move (gc/movers.ts).
      const files = await asMover(driver, `renaming ${from} to ${to}`, () => moveRepositoryFiles(driver, from, to));
      this.index.forget(from);
      this.api.changes.notify(to);
      await emit(this.api.hooks, 'onRename', { repository: from, to, files, principal: ctx.principal, request: ctx.request, timestamp: new Date() });
      return { from, to, files };
    });
  }

  async #checkRepositoryDelete(repository: string, ctx: CallContext): Promise<void> {
    const protection = this.api.tagProtection;
    if (!protection) return;
    const records = await readTagRecords(this.api, repository);
    if (records.length === 0) return;
    const tags = deleteStates(records.map((r) => ({ tag: r.name, digest: r.digest })));
    await protection.checkTagChange({ repository, action: 'delete', origin: 'repository', tags, principal: ctx.principal });
  }

  /** Status of a repository deletion started in this process (callers check access to its `repository`). */
  deletion(id: string): RepositoryDeletion | undefined {
    return this.#deletions.get(id);
  }

  /**
   * Deduplicated bytes per repository under `prefix` and for all of them together (a blob
   * shared by two repositories counts once in the total).
   * @param options.visible the repositories the caller may see: only they are listed and
   *   counted (default: all).
   */
  async usage(
    prefix?: string,
    options: { readonly visible?: VisibilityFilter } = {},
  ): Promise<{ prefix: string | null; total: number; repositories: Array<{ name: string; size: number }> }> {
    if (prefix) assertValidName(prefix);
    const names = await filterVisible(await this.index.names(prefix), (n) => n, options.visible);
    const blobs = new Map<string, number>();
    const repositories: Array<{ name: string; size: number }> = [];
    let manifestBytes = 0;
    for (const name of names) {
      const tags = await readTagRecords(this.api, name).catch(() => [] as TagRecord[]);
      const closure = await this.sizes.closure(name, new Set(tags.map((t) => t.digest)));
      repositories.push({ name, size: ContentSizes.total(closure) });
      for (const [digest, size] of closure.blobs) blobs.set(digest, size);
      for (const size of closure.manifests.values()) manifestBytes += size;
    }
    let total = manifestBytes;
    for (const size of blobs.values()) total += size;
    return { prefix: prefix ?? null, total, repositories };
  }
}

/** Runs tasks one after the other. */
class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => {});
    return result;
  }
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `page size must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
  }
  return limit;
}
