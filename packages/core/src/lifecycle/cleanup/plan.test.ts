import { describe, expect, it } from 'vitest';
import { compileTagPattern } from './patterns.js';
import { planCleanup, type CleanupRules, type CleanupTag } from './plan.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const tag = (name: string, age: number | null, digest: string | null = `sha256:${name}`): CleanupTag => ({
  name,
  digest,
  createdAt: age === null ? null : daysAgo(age),
});
const rules = (over: Partial<CleanupRules> = {}): CleanupRules => ({
  nameRegex: compileTagPattern('.*', 'name_regex'),
  nameRegexKeep: null,
  keepN: null,
  olderThanMs: null,
  ...over,
});
const names = (tags: readonly CleanupTag[]) => tags.map((t) => t.name);
const keptBy = (plan: ReturnType<typeof planCleanup>, reason: string) =>
  plan.kept.filter((k) => k.reason === reason).map((k) => k.tag.name);

describe('cleanup algorithm', () => {
  it('should collect every tag and delete them all when no step keeps any', () => {
    const plan = planCleanup([tag('a', 3), tag('b', 2), tag('c', 1)], rules(), now);
    expect(names(plan.delete)).toEqual(['a', 'b', 'c']);
    expect(plan.kept).toEqual([]);
  });

  it('should keep protected tags, which count towards keep_n like preserved ones', () => {
    const locked = { ...tag('v2', 1), protected: true };
    const plan = planCleanup([tag('a', 30), tag('b', 20), locked, { ...tag('v1', 40), protected: true }], rules({ keepN: 2 }), now);
    expect(keptBy(plan, 'keep_n')).toEqual(['v2', 'b']);
    expect(keptBy(plan, 'protected')).toEqual(['v1']);
    expect(names(plan.delete)).toEqual(['a']);
  });

  it('should never delete latest', () => {
    const plan = planCleanup([tag('latest', 400), tag('old', 400)], rules(), now);
    expect(names(plan.delete)).toEqual(['old']);
    expect(keptBy(plan, 'latest')).toEqual(['latest']);
  });

  it('should keep tags that do not match name_regex', () => {
    const plan = planCleanup([tag('v1', 10), tag('feature', 10)], rules({ nameRegex: compileTagPattern('v.+', 'name_regex') }), now);
    expect(names(plan.delete)).toEqual(['v1']);
    expect(keptBy(plan, 'name_regex')).toEqual(['feature']);
  });

  it('should keep tags without a manifest', () => {
    const plan = planCleanup([tag('broken', 10, null), tag('ok', 10)], rules(), now);
    expect(names(plan.delete)).toEqual(['ok']);
    expect(keptBy(plan, 'no_manifest')).toEqual(['broken']);
  });

  it('should order by creation date and list deletions oldest first', () => {
    const plan = planCleanup([tag('mid', 20), tag('new', 10), tag('old', 30)], rules(), now);
    expect(names(plan.delete)).toEqual(['old', 'mid', 'new']);
  });

  it('should keep the keep_n most recent tags', () => {
    const plan = planCleanup([tag('t1', 50), tag('t2', 40), tag('t3', 30), tag('t4', 20)], rules({ keepN: 2 }), now);
    expect(names(plan.delete)).toEqual(['t1', 't2']);
    expect(keptBy(plan, 'keep_n')).toEqual(['t4', 't3']);
  });

  it('should keep tags newer than older_than', () => {
    const plan = planCleanup([tag('old', 31), tag('edge', 30), tag('new', 1)], rules({ olderThanMs: 30 * 86_400_000 }), now);
    expect(names(plan.delete)).toEqual(['old']);
    expect(keptBy(plan, 'older_than')).toEqual(['new', 'edge']);
  });

  it('should keep tags matching name_regex_keep', () => {
    const plan = planCleanup(
      [tag('v1', 10), tag('dev-1', 10)],
      rules({ nameRegexKeep: compileTagPattern('(?:v.+|master|release)', 'name_regex_keep') }),
      now,
    );
    expect(names(plan.delete)).toEqual(['dev-1']);
    expect(keptBy(plan, 'name_regex_keep')).toEqual(['v1']);
  });

  it('should count name_regex_keep matches towards keep_n, as the steps run in the guide’s order', () => {
    const plan = planCleanup(
      [tag('v2', 1), tag('dev-2', 2), tag('dev-1', 3)],
      rules({ keepN: 1, nameRegexKeep: compileTagPattern('v.+', 'name_regex_keep') }),
      now,
    );
    expect(keptBy(plan, 'keep_n')).toEqual(['v2']);
    expect(names(plan.delete)).toEqual(['dev-1', 'dev-2']);
  });

  it('should treat a tag of unknown age as the newest, and never as old enough to expire', () => {
    const plan = planCleanup([tag('unknown', null), tag('a', 100), tag('b', 90)], rules({ keepN: 1, olderThanMs: 7 * 86_400_000 }), now);
    expect(keptBy(plan, 'keep_n')).toEqual(['unknown']);
    expect(names(plan.delete)).toEqual(['a', 'b']);
    const noKeep = planCleanup([tag('unknown', null)], rules({ olderThanMs: 1 }), now);
    expect(keptBy(noKeep, 'older_than')).toEqual(['unknown']);
  });

  it('should break ties in creation time by name, keeping the greater name', () => {
    const plan = planCleanup([tag('v1', 5), tag('v2', 5), tag('v3', 5)], rules({ keepN: 1 }), now);
    expect(keptBy(plan, 'keep_n')).toEqual(['v3']);
    expect(names(plan.delete)).toEqual(['v1', 'v2']);
  });

  it('should run every step in order, each keeping its own tags', () => {
    const plan = planCleanup(
      [
        tag('latest', 100),
        tag('feature', 100),
        tag('broken-1', 100, null),
        tag('v5', 1),
        tag('v4', 50),
        tag('v3', 60),
        tag('v-keep', 70),
        tag('v1', 80),
      ],
      rules({
        nameRegex: compileTagPattern('v.+|broken-.*|latest', 'name_regex'),
        keepN: 1,
        olderThanMs: 55 * 86_400_000,
        nameRegexKeep: compileTagPattern('.*keep', 'name_regex_keep'),
      }),
      now,
    );
    expect(plan.kept.map((k) => [k.reason, k.tag.name])).toEqual([
      ['latest', 'latest'],
      ['name_regex', 'feature'],
      ['no_manifest', 'broken-1'],
      ['keep_n', 'v5'],
      ['older_than', 'v4'],
      ['name_regex_keep', 'v-keep'],
    ]);
    expect(names(plan.delete)).toEqual(['v1', 'v3']);
  });
});
