/**
 * Container tag protection rules (GitLab's protected and immutable container tags): which
 * tags of a project's images are protected, and how a rule is made, changed and removed.
 *
 * A rule has a tag name pattern and two minimum levels. With both levels set it is a
 * protected rule: pushing a matching tag needs `minimumAccessLevelForPush`, deleting it
 * `minimumAccessLevelForDelete` (`maintainer`, `owner` or `admin`). With both `null` it is an
 * immutable rule: a matching tag may be created, but once it exists nobody may overwrite or
 * delete it. GitLab 18 keeps immutable rules in the same table with both levels unset; Wharf
 * does the same. A rule applies to every image of its project, and a project has at most
 * {@link MAX_TAG_RULES_PER_PROJECT} rules (GitLab's limit).
 *
 * Patterns are RE2 (core's checker: no backreferences or lookarounds, linear-time matching)
 * and match anywhere in the tag name, as GitLab's `Gitlab::UntrustedRegexp#match?` does:
 * `latest` also protects `latest-dev`; anchor it (`^latest$`) to protect one tag exactly.
 *
 * Who may manage rules is the API's business; this module only keeps the rules consistent.
 * @module
 */
import { compileTagPattern, explainInvalidPattern } from '@wharf/core';
import { AccessError, quoteRef } from './access-error.js';
import { newId, requireProject } from './lookup.js';
import { nextTagRuleNumber } from './numbering.js';
import { type AccessDocument, type ProjectRecord, TAG_RULE_LEVELS, type TagRuleLevel, type TagRuleRecord } from './schema.js';

export { TAG_RULE_LEVELS, type TagRuleLevel, type TagRuleRecord };

/** Most rules a project may have (GitLab's `MAX_TAG_RULES_PER_PROJECT`). */
export const MAX_TAG_RULES_PER_PROJECT = 5;

/** Longest tag name pattern (GitLab's validation). */
export const MAX_TAG_NAME_PATTERN_LENGTH = 100;

/** A rule to make: both levels for a protected rule, both `null` for an immutable one. */
export interface NewTagRule {
  readonly tagNamePattern: string;
  readonly minimumAccessLevelForPush: TagRuleLevel | null;
  readonly minimumAccessLevelForDelete: TagRuleLevel | null;
}

/** The fields of a rule to change; those absent stay. */
export type TagRulePatch = Partial<NewTagRule>;

/** Whether a rule is immutable (both levels unset). */
export function isImmutableRule(rule: Pick<TagRuleRecord, 'minimumAccessLevelForPush' | 'minimumAccessLevelForDelete'>): boolean {
  return rule.minimumAccessLevelForPush === null && rule.minimumAccessLevelForDelete === null;
}

/** The project's rules, oldest first. */
export function tagRulesOf(project: Pick<ProjectRecord, 'containerTagRules'>): readonly TagRuleRecord[] {
  return project.containerTagRules ?? [];
}

/** Why a tag name pattern is not acceptable, or `null` when it is. */
export function explainInvalidTagNamePattern(pattern: string): string | null {
  if (pattern.length === 0) return 'the tag name pattern is empty';
  if (pattern.length > MAX_TAG_NAME_PATTERN_LENGTH)
    return `the tag name pattern is ${pattern.length} characters long; at most ${MAX_TAG_NAME_PATTERN_LENGTH} are allowed`;
  const why = explainInvalidPattern(pattern);
  return why === null ? null : `the tag name pattern is not a valid regular expression: ${why}`;
}

// Compiled patterns by source. Every revision of the access state brings new rule objects with
// the same patterns, so the cache is keyed by text; it is small, and cleared when it grows.
const compiled = new Map<string, (tag: string) => boolean>();
const COMPILED_MAX = 1000;

/** A partial-match test for a pattern, or one that matches everything if it does not compile. */
function partialMatcher(pattern: string): (tag: string) => boolean {
  // Compiled as written first (so `a)(b` stays invalid), then wrapped for a partial match:
  // core's patterns match the whole name.
  if (explainInvalidPattern(pattern) !== null) return () => true;
  try {
    const wrapped = compileTagPattern(`(?s:.*)(?:${pattern})(?s:.*)`, 'name_regex');
    return (tag) => wrapped.matches(tag);
  } catch {
    return () => true;
  }
}

/**
 * Whether the rule's pattern matches the tag anywhere in its name (GitLab's partial match).
 * A pattern that no longer compiles (a file edited by hand) matches every tag: a rule someone
 * meant to protect with must not silently protect nothing.
 */
export function ruleMatches(rule: Pick<TagRuleRecord, 'tagNamePattern'>, tag: string): boolean {
  let test = compiled.get(rule.tagNamePattern);
  if (!test) {
    test = partialMatcher(rule.tagNamePattern);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(rule.tagNamePattern, test);
  }
  return test(tag);
}

/** The rules of a project that match a tag. */
export function rulesMatching(project: Pick<ProjectRecord, 'containerTagRules'>, tag: string): TagRuleRecord[] {
  return tagRulesOf(project).filter((rule) => ruleMatches(rule, tag));
}

function checkRule(rule: NewTagRule): void {
  const why = explainInvalidTagNamePattern(rule.tagNamePattern);
  if (why) throw new AccessError('INVALID', why);
  for (const level of [rule.minimumAccessLevelForPush, rule.minimumAccessLevelForDelete]) {
    if (level !== null && !TAG_RULE_LEVELS.includes(level))
      throw new AccessError('INVALID', `unknown access level ${quoteRef(String(level))}: use ${TAG_RULE_LEVELS.join(', ')}`);
  }
  if ((rule.minimumAccessLevelForPush === null) !== (rule.minimumAccessLevelForDelete === null))
    throw new AccessError('INVALID', 'set both minimum access levels (a protected rule), or neither (an immutable rule)');
}

function checkPatternFree(rules: readonly TagRuleRecord[], pattern: string, except?: string): void {
  if (rules.some((r) => r.tagNamePattern === pattern && r.id !== except))
    throw new AccessError('CONFLICT', `the project already has a rule for the tag name pattern ${quoteRef(pattern)}`);
}

function requireRule(project: ProjectRecord, number: number): TagRuleRecord {
  const rule = tagRulesOf(project).find((r) => r.number === number);
  if (!rule) throw new AccessError('NOT_FOUND', `no tag protection rule ${number} in the project ${quoteRef(project.path)}`);
  return rule;
}

function saveRules(doc: AccessDocument, project: ProjectRecord, rules: TagRuleRecord[]): ProjectRecord {
  const { containerTagRules: _old, ...rest } = project;
  const next: ProjectRecord = rules.length > 0 ? { ...rest, containerTagRules: rules } : rest;
  doc.projects.set(project.id, next);
  return next;
}

/**
 * Add a rule to a project.
 * @throws AccessError NOT_FOUND (project), INVALID (pattern, levels, the project has
 *   {@link MAX_TAG_RULES_PER_PROJECT} rules already), CONFLICT (a rule with this pattern exists)
 */
export function createTagRule(doc: AccessDocument, projectRef: string, input: NewTagRule, now: Date): TagRuleRecord {
  const project = requireProject(doc, projectRef);
  checkRule(input);
  const rules = tagRulesOf(project);
  if (rules.length >= MAX_TAG_RULES_PER_PROJECT)
    throw new AccessError('INVALID', `the project ${quoteRef(project.path)} has ${rules.length} tag protection rules; at most ${MAX_TAG_RULES_PER_PROJECT} are allowed`);
  checkPatternFree(rules, input.tagNamePattern);
  const rule: TagRuleRecord = {
    id: newId(),
    number: nextTagRuleNumber(doc),
    tagNamePattern: input.tagNamePattern,
    minimumAccessLevelForPush: input.minimumAccessLevelForPush,
    minimumAccessLevelForDelete: input.minimumAccessLevelForDelete,
    createdAt: now.toISOString(),
  };
  saveRules(doc, project, [...rules, rule]);
  return rule;
}

/**
 * Change a protected rule. Immutable rules cannot be changed (GitLab: they can only be created
 * and deleted), and a protected rule does not become immutable by losing its levels.
 * @throws AccessError NOT_FOUND (project, rule), INVALID (pattern, levels, an immutable rule),
 *   CONFLICT (another rule has the pattern)
 */
export function updateTagRule(doc: AccessDocument, projectRef: string, number: number, patch: TagRulePatch): TagRuleRecord {
  const project = requireProject(doc, projectRef);
  const rule = requireRule(project, number);
  if (isImmutableRule(rule))
    throw new AccessError('INVALID', 'an immutable tag rule cannot be changed; delete it and create a new one');
  const next: TagRuleRecord = { ...rule, ...patch };
  checkRule(next);
  if (isImmutableRule(next))
    throw new AccessError('INVALID', 'a protected tag rule cannot become immutable; create an immutable rule instead');
  checkPatternFree(tagRulesOf(project), next.tagNamePattern, rule.id);
  saveRules(doc, project, tagRulesOf(project).map((r) => (r.id === rule.id ? next : r)));
  return next;
}

/** Remove a rule. @throws AccessError NOT_FOUND (project, rule) */
export function deleteTagRule(doc: AccessDocument, projectRef: string, number: number): TagRuleRecord {
  const project = requireProject(doc, projectRef);
  const rule = requireRule(project, number);
  saveRules(doc, project, tagRulesOf(project).filter((r) => r.id !== rule.id));
  return rule;
}
