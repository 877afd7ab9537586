/**
 * Protected and immutable tags (GitLab's protected container tags): a host-supplied
 * {@link TagProtection} that core asks before a tag is pushed, moved or deleted, and that
 * cleanup policies and bulk deletes ask which tags to leave alone.
 *
 * Core knows nothing about rules or roles: it reports what a change would do to each tag (its
 * current digest, the digest it would move to) and who asks; the policy refuses by throwing a
 * `RegistryError('DENIED', …)`, whose message the client sees (`docker push` prints it). It is
 * asked before anything becomes visible: a refused push stores no manifest, a refused delete
 * removes nothing. The check and the write are not one atomic step, so two pushes racing to
 * create the same immutable tag can both pass; the first push's digest is then overwritten by
 * the second's, as with any two concurrent pushes of one tag.
 * @module
 */
import type { Digest } from '../digest.js';
import type { ManifestStore } from '../manifests/manifest-store.js';
import { isRegistryError } from '../errors/registry-error.js';

/** What a change does to its tags. */
export type TagAction = 'push' | 'delete';

/**
 * What the change is part of, so a refusal can say what was refused: a push or delete of the
 * tag itself, a manifest deleted by digest (taking the tags pointing at it), or a whole
 * repository being deleted.
 */
export type TagChangeOrigin = 'tag' | 'manifest' | 'repository';

/** One tag a change touches. */
export interface TagState {
  readonly tag: string;
  /** The digest the tag points at now; `null` when it does not exist yet (a push creating it). */
  readonly currentDigest: string | null;
  /** A push's digest, the one the tag is to point at; `null` for a delete. */
  readonly newDigest: string | null;
  /**
   * A push that moves an existing tag to another digest. Pushing a tag again with the digest
   * it already has is not an overwrite.
   */
  readonly overwrite: boolean;
}

/** A push or delete of one or more tags of a repository, as the policy is asked about it. */
export interface TagChange {
  readonly repository: string;
  readonly action: TagAction;
  readonly origin: TagChangeOrigin;
  /** Every tag the change touches (at least one). */
  readonly tags: readonly TagState[];
  /**
   * Who asks: on `/v2` the principal the authorization hook returned (for core's bearer
   * authorizer `{ subject, token }`); for calls of the API or management the `CallContext`'s
   * `principal`. `undefined` when nobody is known (open registries, automated work).
   */
  readonly principal: unknown;
}

/**
 * The host's tag protection rules. Both methods may be async.
 * @example
 * const registry = createRegistry({
 *   storage,
 *   tagProtection: {
 *     checkTagChange(change) {
 *       const locked = change.tags.find((t) => t.tag.startsWith('release-') && (change.action === 'delete' || t.overwrite));
 *       if (locked) throw new RegistryError('DENIED', `tag "${locked.tag}" is immutable`);
 *     },
 *     protectedTags: (_repository, tags) => new Set(tags.filter((t) => t.startsWith('release-'))),
 *   },
 * });
 */
export interface TagProtection {
  /**
   * Called before a manifest PUT writes its tags (`/v2` with a tag reference or `?tag=`), before
   * a tag is deleted (`/v2` DELETE by tag, the management API's tag deletes), before a manifest
   * is deleted by digest (with every tag pointing at it; not called when none does) and before
   * a repository deletion starts (with all its tags). Return to allow.
   * @throws RegistryError DENIED to refuse, with a message naming the tag and the rule; the
   *   whole change is refused (nothing of it is written or deleted).
   */
  checkTagChange(change: TagChange): void | Promise<void>;
  /**
   * Which of `tags` of `repository` automated deletes must keep: cleanup policy runs and the
   * bulk delete by pattern skip them (reported as kept, reason `protected`) instead of trying
   * and failing.
   */
  protectedTags(repository: string, tags: readonly string[]): ReadonlySet<string> | Promise<ReadonlySet<string>>;
}

/**
 * The digest each tag points at now, `null` for a tag that does not exist (or whose file does
 * not decode, which a push simply replaces).
 */
export async function currentDigests(manifests: ManifestStore, repository: string, tags: readonly string[]): Promise<Map<string, string | null>> {
  const entries = await Promise.all(
    tags.map(async (tag) => {
      try {
        return [tag, (await manifests.resolve(repository, { tag })).digest] as const;
      } catch (error) {
        if (isRegistryError(error) && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')) return [tag, null] as const;
        throw error;
      }
    }),
  );
  return new Map(entries);
}

/** The states of a push of `tags` to `digest`. */
export function pushStates(digest: Digest, current: ReadonlyMap<string, string | null>): TagState[] {
  return [...current].map(([tag, currentDigest]) => ({
    tag,
    currentDigest,
    newDigest: digest.value,
    overwrite: currentDigest !== null && currentDigest !== digest.value,
  }));
}

/** The states of a delete of tags pointing at the given digests. */
export function deleteStates(tags: ReadonlyArray<{ readonly tag: string; readonly digest: string }>): TagState[] {
  return tags.map(({ tag, digest }) => ({ tag, currentDigest: digest, newDigest: null, overwrite: false }));
}
