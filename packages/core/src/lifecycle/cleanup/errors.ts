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

/** Keys that must never be taken from user input: they reach object prototypes. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Unknown keys named in one issue at most; the rest are counted ("and N more"). */
const NAMED_KEYS = 5;
/** Characters of a user-chosen key shown in a message. */
const KEY_CHARS = 64;

/** A zod issue, as far as these messages need it. */
interface InputIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/**
 * Turn a schema's issues about a JSON body into cleanup issues: one per bad field, one for all
 * unknown keys (the first few named, shortened, then "and N more"; dangerous ones first), so an
 * error body stays small whatever was sent.
 * @param describe the message for a known field, given zod's issue.
 * @param allowed the fields the body may have, for the unknown-keys message.
 */
export function inputIssues(
  issues: readonly InputIssue[],
  describe: (field: string, issue: InputIssue) => string,
  allowed: readonly string[],
): [CleanupIssue, ...CleanupIssue[]] {
  const out: CleanupIssue[] = [];
  for (const issue of issues.slice(0, allowed.length + 1)) {
    if (issue.code === 'unrecognized_keys') {
      const keys = [...(issue.keys ?? [])].sort((a, b) => Number(DANGEROUS_KEYS.has(b)) - Number(DANGEROUS_KEYS.has(a)));
      const named = keys.slice(0, NAMED_KEYS).map((k) => (k.length > KEY_CHARS ? `${k.slice(0, KEY_CHARS)}…` : k));
      const more = keys.length > NAMED_KEYS ? ` and ${keys.length - NAMED_KEYS} more` : '';
      out.push({
        field: named[0] ?? '(unknown)',
        message: `unknown field${keys.length > 1 ? `s ${named.join(', ')}${more}` : ''}; allowed: ${allowed.join(', ')}`,
      });
    } else if (issue.path.length === 0) {
      out.push({ field: '(request)', message: 'must be a JSON object' });
    } else {
      const field = String(issue.path[0]).slice(0, KEY_CHARS);
      out.push({ field, message: describe(field, issue) });
    }
  }
  const [first, ...rest] = out;
  return [first ?? { field: '(request)', message: 'invalid' }, ...rest];
}
