/**
 * GitLab's "delete registry repository tags in bulk", for one repository, with the cleanup
 * policy's algorithm: `latest` is never deleted, `name_regex_delete` (required; `name_regex` is
 * its deprecated alias) picks the tags, tags without a manifest stay, then `keep_n` newest
 * stay, tags younger than `older_than` stay, and `name_regex_keep` matches stay.
 *
 * Unlike a policy, `keep_n` is any non-negative integer and `older_than` any duration
 * (`1h`, `7d`, `1month`), as GitLab's API accepts them. The management API calls this.
 * @module
 */
import { z } from 'zod';
import { parseDuration } from './durations.js';
import { CleanupPolicyError, inputIssues, type CleanupIssue } from './errors.js';
import { compileTagPattern } from './patterns.js';
import { planCleanup, type CleanupRules, type KeptReason } from './plan.js';
import type { CleanupTarget } from './target.js';

/** The request, with GitLab's field names. */
export interface BulkDeleteParams {
  readonly name_regex_delete?: string;
  /** Deprecated alias of `name_regex_delete`. */
  readonly name_regex?: string;
  readonly name_regex_keep?: string | null;
  /** A number, or its decimal digits (form and query parameters arrive as strings). */
  readonly keep_n?: number | string | null;
  readonly older_than?: string | null;
}

export interface BulkDeleteOptions {
  /** Reference time for `older_than` (default: now). */
  readonly now?: Date;
  /** Plan only. */
  readonly dryRun?: boolean;
}

export interface BulkDeleteResult {
  readonly repository: string;
  readonly dryRun: boolean;
  /** Deleted (or, in a dry run, to be deleted), oldest first. */
  readonly deleted: readonly string[];
  readonly failed: ReadonlyArray<{ readonly tag: string; readonly error: string }>;
  readonly kept: ReadonlyArray<{ readonly tag: string; readonly reason: KeptReason }>;
}

const schema = z.strictObject({
  name_regex_delete: z.string().optional(),
  name_regex: z.string().optional(),
  name_regex_keep: z.string().nullable().optional(),
  keep_n: z
    .union([
      z.number().int().nonnegative(),
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number),
    ])
    .nullable()
    .optional(),
  older_than: z.string().max(100).nullable().optional(),
});

/**
 * Validate a bulk-delete request.
 * @throws CleanupPolicyError naming each invalid field (`name_regex_delete` when missing).
 */
export function parseBulkDeleteParams(input: unknown): CleanupRules {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const allowed = ['name_regex_delete', 'name_regex_keep', 'keep_n', 'older_than'];
    throw new CleanupPolicyError(
      inputIssues(parsed.error.issues, (field) => (field === 'keep_n' ? 'must be a non-negative integer' : 'must be a string'), allowed),
    );
  }
  const p = parsed.data;
  const field = p.name_regex_delete !== undefined ? 'name_regex_delete' : p.name_regex !== undefined ? 'name_regex' : 'name_regex_delete';
  const source = p.name_regex_delete ?? p.name_regex;
  const issues: CleanupIssue[] = [];
  const attempt = <T>(run: () => T): T | null => {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof CleanupPolicyError)) throw error;
      issues.push(...error.issues);
      return null;
    }
  };
  if (!source) issues.push({ field, message: 'is required; use .* for every tag' });
  const nameRegex = source ? attempt(() => compileTagPattern(source, field)) : null;
  const keep = p.name_regex_keep;
  const nameRegexKeep = keep ? attempt(() => compileTagPattern(keep, 'name_regex_keep')) : null;
  const olderThan = p.older_than;
  const olderThanMs = olderThan ? attempt(() => parseDuration(olderThan, 'older_than')) : null;
  const [first, ...rest] = issues;
  if (first || !nameRegex) throw new CleanupPolicyError([first ?? { field, message: 'is required' }, ...rest]);
  return { nameRegex, nameRegexKeep, keepN: p.keep_n ?? null, olderThanMs };
}

/**
 * Delete one repository's tags as GitLab's bulk-delete API does.
 * @throws CleanupPolicyError for invalid parameters (before anything is deleted);
 *   RegistryError NAME_UNKNOWN when the repository does not exist (from the target).
 * @example
 * await bulkDeleteTags(registryCleanupTarget(api), 'team/app', { name_regex_delete: '.*', keep_n: 5, older_than: '1month' });
 */
export async function bulkDeleteTags(
  target: CleanupTarget,
  repository: string,
  params: unknown,
  options: BulkDeleteOptions = {},
): Promise<BulkDeleteResult> {
  const rules = parseBulkDeleteParams(params);
  const plan = planCleanup(await target.listTags(repository), rules, options.now ?? new Date());
  const kept = plan.kept.map((k) => ({ tag: k.tag.name, reason: k.reason }));
  const dryRun = options.dryRun ?? false;
  if (dryRun) return { repository, dryRun, deleted: plan.delete.map((t) => t.name), failed: [], kept };
  const deleted: string[] = [];
  const failed: { tag: string; error: string }[] = [];
  for (const { name } of plan.delete) {
    try {
      if (await target.deleteTag(repository, name)) deleted.push(name);
    } catch (error) {
      failed.push({ tag: name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { repository, dryRun, deleted, failed, kept };
}
