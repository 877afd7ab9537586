/**
 * The cleanup algorithm, pure: which tags of one repository a policy deletes.
 *
 * The steps are those of GitLab's guide ("How the cleanup policy works"), in its order:
 *
 * 1. collect the repository's tags;
 * 2. keep `latest`;
 * 3. keep tags whose name does not match `name_regex`;
 * 4. keep tags without a manifest;
 * 5. order the rest by creation date, newest first;
 * 6. keep the `keep_n` newest of them;
 * 7. keep those created less than `older_than` ago;
 * 8. keep those matching `name_regex_keep`;
 * 9. keep protected and immutable tags (GitLab: "protected tags cannot be deleted by cleanup
 *    policies"; see api/tag-protection.ts);
 * 10. delete what is left.
 *
 * Because `name_regex_keep` and protection come after `keep_n` (steps 8 and 9), preserved and
 * protected tags count towards `keep_n`. A tag whose creation time is unknown sorts as if created now (so `keep_n` keeps it
 * first) and is never older than `older_than`, as in GitLab: a tag of unknown age is never
 * expired by age. Equal times sort by name, the greater name first.
 * @module
 */
import type { TagPattern } from './patterns.js';

/** A tag as the algorithm sees it. */
export interface CleanupTag {
  readonly name: string;
  /** The manifest it points at, or `null` when that manifest is missing or unreadable. */
  readonly digest: string | null;
  /** When the tag was created; `null` when unknown. */
  readonly createdAt: Date | null;
  /** Protected or immutable (the registry's tag protection says so): never deleted. */
  readonly protected?: boolean;
}

/** A policy (or bulk-delete request) ready to apply. */
export interface CleanupRules {
  /** Tags to expire. */
  readonly nameRegex: TagPattern;
  /** Tags to preserve, or `null`. */
  readonly nameRegexKeep: TagPattern | null;
  /** How many newest tags to keep, or `null` for no such step. */
  readonly keepN: number | null;
  /** Keep tags younger than this many milliseconds, or `null` for no such step. */
  readonly olderThanMs: number | null;
}

/** Why a tag survives: the step that kept it. */
export type KeptReason = 'latest' | 'name_regex' | 'no_manifest' | 'keep_n' | 'older_than' | 'name_regex_keep' | 'protected';

export interface CleanupPlan {
  /** Tags to delete, oldest first (so a run cut short has removed the oldest). */
  readonly delete: readonly CleanupTag[];
  /** Every other tag, with the step that kept it, in the order the steps ran. */
  readonly kept: ReadonlyArray<{ readonly tag: CleanupTag; readonly reason: KeptReason }>;
}

/**
 * Apply the rules to one repository's tags.
 * @param now the reference time for `older_than`.
 * @example
 * const plan = planCleanup(tags, rulesOf(policy), new Date());
 * for (const tag of plan.delete) await target.deleteTag(repository, tag.name);
 */
export function planCleanup(tags: readonly CleanupTag[], rules: CleanupRules, now: Date): CleanupPlan {
  const kept: Array<{ tag: CleanupTag; reason: KeptReason }> = [];
  const keep = (reason: KeptReason, test: (tag: CleanupTag) => boolean) => (tag: CleanupTag) => {
    if (!test(tag)) return true;
    kept.push({ tag, reason });
    return false;
  };

  let list = tags
    .filter(keep('latest', (t) => t.name === 'latest'))
    .filter(keep('name_regex', (t) => !rules.nameRegex.matches(t.name)))
    .filter(keep('no_manifest', (t) => t.digest === null));

  const time = (t: CleanupTag) => t.createdAt?.getTime() ?? now.getTime();
  list = [...list].sort((a, b) => time(b) - time(a) || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));

  if (rules.keepN !== null) {
    const newest = new Set(list.slice(0, rules.keepN));
    list = list.filter(keep('keep_n', (t) => newest.has(t)));
  }
  if (rules.olderThanMs !== null) {
    const cutoff = now.getTime() - rules.olderThanMs;
    list = list.filter(keep('older_than', (t) => t.createdAt === null || t.createdAt.getTime() >= cutoff));
  }
  const preserve = rules.nameRegexKeep;
  if (preserve) list = list.filter(keep('name_regex_keep', (t) => preserve.matches(t.name)));
  list = list.filter(keep('protected', (t) => t.protected === true));

  return { delete: list.reverse(), kept };
}
