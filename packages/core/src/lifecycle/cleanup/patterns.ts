/**
 * Tag-name patterns of cleanup policies and bulk deletes, matched the way GitLab matches them:
 * RE2 syntax, against the whole tag name (GitLab wraps the pattern in `\A…\z`).
 *
 * Patterns are user input that runs on the server, so they go through re2js (a port of RE2)
 * rather than JavaScript's backtracking `RegExp`: matching time is linear in the tag's length
 * whatever the pattern, so `(a+)+$` cannot stall a cleanup run. RE2 refuses what it cannot
 * do in linear time (backreferences, lookarounds), and such a pattern is refused here naming
 * the field it came from.
 *
 * The pattern is compiled as written and matched with RE2's full-match mode, not rewritten
 * to `^(?:…)$`: the rewrite would turn an unbalanced pattern such as `a)(b` into a valid one.
 * @module
 */
import { RE2JS } from 're2js';
import { CleanupPolicyError } from './errors.js';

/** The fields a pattern can come from, named as in GitLab's API. */
export type PatternField = 'name_regex' | 'name_regex_keep' | 'name_regex_delete';

/** Longest pattern accepted (GitLab stores them in 255-character columns). */
export const MAX_PATTERN_LENGTH = 255;

/** A compiled pattern. */
export interface TagPattern {
  /** The pattern as given. */
  readonly source: string;
  /** Whether the whole tag name matches. */
  matches(tag: string): boolean;
}

/** Why a pattern is not acceptable, or `null` when it is. */
export function explainInvalidPattern(source: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH)
    return `the pattern is ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`;
  try {
    RE2JS.compile(source);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `${message.replace(/^error parsing regexp: /, '')} (patterns use RE2 syntax: no backreferences or lookarounds)`;
  }
}

/**
 * Compile a pattern for full-match use.
 * @param source RE2 syntax; matched against the whole tag name.
 * @param field where the pattern came from, named in the error.
 * @throws CleanupPolicyError naming `field` when the pattern is invalid or too long.
 * @example
 * compileTagPattern('v.+', 'name_regex').matches('v1.2'); // true
 * compileTagPattern('master', 'name_regex').matches('master-1'); // false: whole name only
 */
export function compileTagPattern(source: string, field: PatternField): TagPattern {
  const why = explainInvalidPattern(source);
  if (why !== null) throw new CleanupPolicyError([{ field, message: `invalid pattern ${JSON.stringify(source.slice(0, 80))}: ${why}` }]);
  const re = RE2JS.compile(source);
  return { source, matches: (tag) => re.testExact(tag) };
}
