/** The error a cleanup policy, pattern or bulk-delete request is refused with. @module */

/** One thing wrong with the input: the field (GitLab's name for it) and why. */
export interface CleanupIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * Invalid cleanup input: a bad pattern, a value outside the allowed set, a malformed project
 * path. Carries no HTTP status (the management API answers 400); `field` names the first
 * offending field (`name_regex`, `keep_n`, …) and `issues` lists every one.
 *
 * @example
 * try { compileTagPattern('(', 'name_regex') } catch (e) { if (e instanceof CleanupPolicyError) e.field } // 'name_regex'
 */
export class CleanupPolicyError extends Error {
  readonly field: string;
  readonly issues: readonly CleanupIssue[];

  constructor(issues: readonly [CleanupIssue, ...CleanupIssue[]]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'CleanupPolicyError';
    this.field = issues[0].field;
    this.issues = issues;
  }
}
