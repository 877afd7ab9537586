/**
 * Cleanup policies: what they may say, their defaults, and validation.
 *
 * A policy belongs to a *project*, which core knows only as a repository path prefix: the
 * policy of `team/app` covers `team/app` and every repository below it (`team/app/api`, …),
 * never `team/application`. Fields carry GitLab's API names (`keep_n`, `name_regex`, …) so the
 * management API can pass GitLab-shaped JSON through unchanged.
 * @module
 */
import { z } from 'zod';
import { explainInvalidName } from '../../names.js';
import { CADENCES, KEEP_N_VALUES, OLDER_THAN_VALUES, parseDuration, type Cadence, type KeepN, type OlderThan } from './durations.js';
import { CleanupPolicyError, inputIssues, type CleanupIssue } from './errors.js';
import { compileTagPattern, explainInvalidPattern } from './patterns.js';
import type { CleanupRules } from './plan.js';

/** A project's cleanup policy. */
export interface CleanupPolicy {
  /** Whether the scheduler runs it. */
  readonly enabled: boolean;
  /** How often it runs. */
  readonly cadence: Cadence;
  /** Keep this many of the newest matching tags in each repository; `null`: no such step. */
  readonly keep_n: KeepN | null;
  /** Keep tags younger than this; `null`: no such step. */
  readonly older_than: OlderThan | null;
  /** Tags to expire (RE2, whole name). Never blank: `.*` for every tag. */
  readonly name_regex: string;
  /** Tags to preserve (RE2, whole name), or `null`. */
  readonly name_regex_keep: string | null;
}

/** A policy as stored, with its project and when it was last saved (the schedule's origin). */
export interface StoredCleanupPolicy extends CleanupPolicy {
  readonly project: string;
  /** ISO 8601. Saving resets the schedule: the first run is one cadence after this. */
  readonly savedAt: string;
}

/**
 * GitLab's defaults: disabled, daily, keep 10, expire after 90 days, every tag (`.*`, the
 * guide's "default value for the expiration regex"), nothing preserved beyond `latest`.
 */
export const DEFAULT_CLEANUP_POLICY: CleanupPolicy = Object.freeze({
  enabled: false,
  cadence: '1d',
  keep_n: 10,
  older_than: '90d',
  name_regex: '.*',
  name_regex_keep: null,
});

/**
 * What a caller may send: any subset of the fields. `name_regex_delete` is GitLab's API alias
 * of `name_regex` and wins when both are given (as in GitLab's own example request).
 */
export type CleanupPolicyInput = Partial<{ -readonly [K in keyof CleanupPolicy]: CleanupPolicy[K] }> & {
  readonly name_regex_delete?: string | null;
};

const inputSchema = z
  .strictObject({
    enabled: z.boolean(),
    cadence: z.enum(CADENCES),
    keep_n: z.literal(KEEP_N_VALUES).nullable(),
    older_than: z.enum(OLDER_THAN_VALUES).nullable(),
    name_regex: z.string().nullable(),
    name_regex_delete: z.string().nullable(),
    name_regex_keep: z.string().nullable(),
  })
  .partial();

const HINTS: Record<string, string> = {
  enabled: 'must be true or false',
  cadence: `must be one of ${CADENCES.join(', ')}`,
  keep_n: `must be one of ${KEEP_N_VALUES.join(', ')}, or null`,
  older_than: `must be one of ${OLDER_THAN_VALUES.join(', ')}, or null`,
  name_regex: 'must be a string',
  name_regex_delete: 'must be a string',
  name_regex_keep: 'must be a string or null',
};

/**
 * Validate a (partial) policy and apply it over `base`.
 * @param input GitLab-shaped fields; unknown fields (`__proto__`, `constructor` among them) are refused.
 * @param base what the fields not given keep (default {@link DEFAULT_CLEANUP_POLICY}).
 * @throws CleanupPolicyError naming each invalid field (`cadence`, `name_regex`, …).
 * @example
 * parseCleanupPolicy({ enabled: true, keep_n: 5, name_regex_keep: '(?:v.+|master)' });
 */
export function parseCleanupPolicy(input: unknown, base: CleanupPolicy = DEFAULT_CLEANUP_POLICY): CleanupPolicy {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new CleanupPolicyError(
      inputIssues(
        parsed.error.issues,
        (field, issue) => (Object.hasOwn(HINTS, field) ? HINTS[field] : undefined) ?? issue.message,
        Object.keys(HINTS),
      ),
    );
  }
  const { name_regex_delete, name_regex, ...rest } = parsed.data;
  const given = name_regex_delete ?? name_regex;
  const regexField = name_regex_delete != null ? 'name_regex_delete' : 'name_regex';
  const policy: CleanupPolicy = {
    enabled: rest.enabled ?? base.enabled,
    cadence: rest.cadence ?? base.cadence,
    keep_n: rest.keep_n !== undefined ? rest.keep_n : base.keep_n,
    older_than: rest.older_than !== undefined ? rest.older_than : base.older_than,
    name_regex: given ?? base.name_regex,
    name_regex_keep: rest.name_regex_keep !== undefined ? rest.name_regex_keep || null : base.name_regex_keep,
  };
  const issues: CleanupIssue[] = [];
  if (policy.name_regex.length === 0) {
    issues.push({ field: given !== undefined ? regexField : 'name_regex', message: 'cannot be blank; use .* for every tag' });
  } else {
    const why = explainInvalidPattern(policy.name_regex);
    if (why) issues.push({ field: given !== undefined && given !== null ? regexField : 'name_regex', message: `invalid pattern: ${why}` });
  }
  const keepWhy = policy.name_regex_keep === null ? null : explainInvalidPattern(policy.name_regex_keep);
  if (keepWhy) issues.push({ field: 'name_regex_keep', message: `invalid pattern: ${keepWhy}` });
  const [first, ...others] = issues;
  if (first) throw new CleanupPolicyError([first, ...others]);
  return Object.freeze(policy);
}

/**
 * Validate a project path (a repository path prefix such as `team/app`).
 * @throws CleanupPolicyError naming `project`.
 */
export function assertValidProject(project: string): string {
  const why = explainInvalidName(project);
  if (why) throw new CleanupPolicyError([{ field: 'project', message: why.replace('the repository name', 'the project path') }]);
  return project;
}

/** Whether `repository` belongs to `project` (is it, or lies below it). */
export function inProject(project: string, repository: string): boolean {
  return repository === project || repository.startsWith(`${project}/`);
}

/** The compiled rules of a valid policy, for {@link planCleanup}. */
export function rulesOf(policy: CleanupPolicy): CleanupRules {
  return {
    nameRegex: compileTagPattern(policy.name_regex, 'name_regex'),
    nameRegexKeep: policy.name_regex_keep === null ? null : compileTagPattern(policy.name_regex_keep, 'name_regex_keep'),
    keepN: policy.keep_n,
    olderThanMs: policy.older_than === null ? null : parseDuration(policy.older_than, 'older_than'),
  };
}
