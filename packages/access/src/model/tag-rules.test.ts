import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isAccessError } from './access-error.js';
import { explainInvalidTagNamePattern, isImmutableRule, MAX_TAG_RULES_PER_PROJECT, ruleMatches, rulesMatching } from './tag-rules.js';
import { AccessStore } from '../store/access-store.js';
import { openJsonTestStore, openTestStore, seedWorld, tempDirs } from '../test-support.js';

const tempDir = tempDirs();

/** The seeded world, on the run's backend; `json`: on the JSON file store (tests that read the file). */
async function world(json = false) {
  const dir = await tempDir();
  const store = await (json ? openJsonTestStore : openTestStore)(dir);
  await seedWorld(store);
  return { dir, store };
}

const protectedRule = (tagNamePattern: string) => ({ tagNamePattern, minimumAccessLevelForPush: 'maintainer', minimumAccessLevelForDelete: 'owner' }) as const;
const immutableRule = (tagNamePattern: string) => ({ tagNamePattern, minimumAccessLevelForPush: null, minimumAccessLevelForDelete: null });

describe('tag rule patterns', () => {
  it('should match anywhere in the tag name, as GitLab does, unless anchored', () => {
    expect(ruleMatches({ tagNamePattern: 'latest' }, 'latest-dev')).toBe(true);
    expect(ruleMatches({ tagNamePattern: 'v.*' }, 'dev1')).toBe(true);
    expect(ruleMatches({ tagNamePattern: '^v.*' }, 'dev1')).toBe(false);
    expect(ruleMatches({ tagNamePattern: '^v.*' }, 'v1.2')).toBe(true);
    expect(ruleMatches({ tagNamePattern: '^latest$' }, 'latest-dev')).toBe(false);
    expect(ruleMatches({ tagNamePattern: '(?i)^RELEASE' }, 'release-1')).toBe(true);
  });

  it('should refuse empty, too long, unbalanced and backtracking patterns with a reason', () => {
    expect(explainInvalidTagNamePattern('')).toMatch(/empty/);
    expect(explainInvalidTagNamePattern('a'.repeat(101))).toMatch(/101 characters long; at most 100/);
    expect(explainInvalidTagNamePattern('a)(b')).toMatch(/not a valid regular expression/);
    expect(explainInvalidTagNamePattern('(a)\\1')).toMatch(/RE2/);
    expect(explainInvalidTagNamePattern('^v[0-9]+$')).toBeNull();
  });

  it('should treat a stored pattern that no longer compiles as matching every tag', () => {
    expect(ruleMatches({ tagNamePattern: '(' }, 'anything')).toBe(true);
  });
});

describe('AccessStore tag rules', () => {
  it('should create numbered rules in the project, list them oldest first and keep them across a reopen', async () => {
    const { dir, store } = await world();
    const first = await store.createTagRule('team/app', protectedRule('^v'));
    const second = await store.createTagRule('team/web', immutableRule('^release-'));
    expect(first).toMatchObject({ number: 1, tagNamePattern: '^v', minimumAccessLevelForPush: 'maintainer', minimumAccessLevelForDelete: 'owner' });
    expect(second.number).toBe(2);
    expect(isImmutableRule(second)).toBe(true);
    const reopened = await openTestStore(dir);
    expect((await reopened.listTagRules('team/app')).map((r) => r.tagNamePattern)).toEqual(['^v']);
    expect(rulesMatching(await reopened.getProject('team/web'), 'release-2').map((r) => r.number)).toEqual([2]);
  });

  it('should refuse a sixth rule, a repeated pattern and a rule with one level only', async () => {
    const { store } = await world();
    for (let i = 0; i < MAX_TAG_RULES_PER_PROJECT; i++) await store.createTagRule('team/app', protectedRule(`^r${i}`));
    await expect(store.createTagRule('team/app', protectedRule('^r9'))).rejects.toThrow(/at most 5/);
    await expect(store.createTagRule('team/web', protectedRule('x'))).resolves.toBeDefined();
    await expect(store.createTagRule('team/web', protectedRule('x'))).rejects.toSatisfy((e) => isAccessError(e, 'CONFLICT'));
    await expect(store.createTagRule('team/web', { tagNamePattern: 'y', minimumAccessLevelForPush: 'owner', minimumAccessLevelForDelete: null })).rejects.toThrow(
      /both minimum access levels/,
    );
    await expect(store.createTagRule('no/such', protectedRule('x'))).rejects.toSatisfy((e) => isAccessError(e, 'NOT_FOUND'));
  });

  it('should update a protected rule but neither change an immutable rule nor make a protected one immutable', async () => {
    const { store } = await world();
    const rule = await store.createTagRule('team/app', protectedRule('^v'));
    const locked = await store.createTagRule('team/app', immutableRule('^rel'));
    expect(await store.updateTagRule('team/app', rule.number, { minimumAccessLevelForPush: 'admin' })).toMatchObject({ minimumAccessLevelForPush: 'admin', tagNamePattern: '^v' });
    await expect(store.updateTagRule('team/app', locked.number, { tagNamePattern: 'x' })).rejects.toThrow(/immutable tag rule cannot be changed/);
    await expect(store.updateTagRule('team/app', rule.number, { minimumAccessLevelForPush: null, minimumAccessLevelForDelete: null })).rejects.toThrow(
      /cannot become immutable/,
    );
    await expect(store.updateTagRule('team/app', rule.number, { tagNamePattern: '^rel' })).rejects.toSatisfy((e) => isAccessError(e, 'CONFLICT'));
    await expect(store.updateTagRule('team/web', rule.number, { tagNamePattern: 'z' })).rejects.toSatisfy((e) => isAccessError(e, 'NOT_FOUND'));
  });

  it('should delete rules, drop the key with the last one and never reuse a number', async () => {
    const { dir, store } = await world(true);
    const rule = await store.createTagRule('team/app', protectedRule('^v'));
    await store.deleteTagRule('team/app', rule.number);
    expect((await store.getProject('team/app')).containerTagRules).toBeUndefined();
    expect((await store.createTagRule('team/app', protectedRule('^v'))).number).toBe(2);
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    expect(file.counters.containerTagRules).toBe(2);
    expect((await AccessStore.open(dir)).path).toBe(store.path);
  });

  it('should keep the rules when the project moves and lose them when it is deleted', async () => {
    const { store } = await world();
    await store.createTagRule('team/app', protectedRule('^v'));
    await store.moveProject('team/app', 'other/app');
    expect((await store.listTagRules('other/app')).length).toBe(1);
    await store.deleteProject('other/app');
    await store.createProject({ path: 'other/app' });
    expect(await store.listTagRules('other/app')).toEqual([]);
  });

  it('should refuse to open a file whose rules repeat a number', async () => {
    const { dir, store } = await world(true);
    await store.createTagRule('team/app', protectedRule('^v'));
    await store.createTagRule('team/web', protectedRule('^v'));
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    for (const project of Object.values(file.projects) as { containerTagRules?: { number: number }[] }[]) {
      for (const rule of project.containerTagRules ?? []) rule.number = 1;
    }
    await writeFile(store.path, JSON.stringify(file));
    await expect(AccessStore.open(dir)).rejects.toThrow(/containerTagRules: the number 1 is used twice/);
  });
});
