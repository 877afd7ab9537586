import { describe, expect, it } from 'vitest';
import { CleanupPolicyError } from './errors.js';
import { assertValidProject, DEFAULT_CLEANUP_POLICY, inProject, parseCleanupPolicy, rulesOf } from './policy.js';

const refusal = (input: unknown) => {
  try {
    parseCleanupPolicy(input);
  } catch (error) {
    if (error instanceof CleanupPolicyError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('cleanup policy', () => {
  it("should default to GitLab's values", () => {
    expect(parseCleanupPolicy({})).toEqual({
      enabled: false,
      cadence: '1d',
      keep_n: 10,
      older_than: '90d',
      name_regex: '.*',
      name_regex_keep: null,
    });
    expect(parseCleanupPolicy(undefined)).toEqual(DEFAULT_CLEANUP_POLICY);
  });

  it('should accept every allowed value', () => {
    for (const cadence of ['1d', '7d', '14d', '1month', '3month']) expect(parseCleanupPolicy({ cadence }).cadence).toBe(cadence);
    for (const keep_n of [1, 5, 10, 25, 50, 100, null]) expect(parseCleanupPolicy({ keep_n }).keep_n).toBe(keep_n);
    for (const older_than of ['7d', '14d', '30d', '60d', '90d', null]) expect(parseCleanupPolicy({ older_than }).older_than).toBe(older_than);
  });

  it('should refuse values outside the allowed sets, naming the field', () => {
    expect(refusal({ cadence: '2d' }).field).toBe('cadence');
    expect(refusal({ keep_n: 7 }).field).toBe('keep_n');
    expect(refusal({ keep_n: '10' }).field).toBe('keep_n');
    expect(refusal({ older_than: '45d' }).field).toBe('older_than');
    expect(refusal({ enabled: 'yes' }).field).toBe('enabled');
    expect(refusal({ cadence: '2d' }).message).toMatch(/cadence: must be one of 1d, 7d, 14d, 1month, 3month/);
  });

  it('should name every invalid field at once', () => {
    expect(refusal({ cadence: 'x', keep_n: 3 }).issues.map((i) => i.field)).toEqual(['cadence', 'keep_n']);
  });

  it('should refuse unknown fields', () => {
    expect(refusal({ keepN: 5 }).field).toBe('keepN');
  });

  it('should refuse keys that reach prototypes, and bodies that are not objects, naming them', () => {
    for (const body of ['{"__proto__":{"enabled":true}}', '{"constructor":{"prototype":{}}}', '{"prototype":1}', '{"enabled":true,"__proto__":null}']) {
      expect(refusal(JSON.parse(body)).message, body).toMatch(/^(__proto__|constructor|prototype): unknown field/);
    }
    expect(refusal([]).field).toBe('(request)');
    expect(refusal('x').field).toBe('(request)');
  });

  it('should name at most five unknown keys, shortened, and count the rest', () => {
    const input = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${'k'.repeat(500)}${i}`, 1]));
    const error = refusal(input);
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain('and 45 more');
    expect(error.message.length).toBeLessThan(700);
  });

  it('should refuse invalid patterns naming the field', () => {
    expect(refusal({ name_regex: '(' }).field).toBe('name_regex');
    expect(refusal({ name_regex_keep: '[' }).field).toBe('name_regex_keep');
    expect(refusal({ name_regex_delete: '(?=x)' }).field).toBe('name_regex_delete');
  });

  it('should refuse a blank name_regex', () => {
    expect(refusal({ name_regex: '' }).message).toMatch(/name_regex: cannot be blank/);
  });

  it("should take name_regex_delete as GitLab's alias of name_regex, as in the guide's example", () => {
    const policy = parseCleanupPolicy({
      cadence: '1month',
      enabled: true,
      keep_n: 1,
      older_than: '14d',
      name_regex: '',
      name_regex_delete: '.*',
      name_regex_keep: '.*-master',
    });
    expect(policy).toEqual({
      enabled: true,
      cadence: '1month',
      keep_n: 1,
      older_than: '14d',
      name_regex: '.*',
      name_regex_keep: '.*-master',
    });
  });

  it('should apply a partial update over a base policy, and read an empty name_regex_keep as none', () => {
    const base = parseCleanupPolicy({ enabled: true, keep_n: 5, name_regex_keep: 'v.+' });
    expect(parseCleanupPolicy({ cadence: '7d', name_regex_keep: '' }, base)).toEqual({ ...base, cadence: '7d', name_regex_keep: null });
  });

  it('should compile a policy into rules', () => {
    const rules = rulesOf(parseCleanupPolicy({ keep_n: 5, older_than: '7d', name_regex_keep: 'v.+' }));
    expect(rules.keepN).toBe(5);
    expect(rules.olderThanMs).toBe(7 * 86_400_000);
    expect(rules.nameRegexKeep?.matches('v1')).toBe(true);
    expect(rules.nameRegex.matches('anything')).toBe(true);
  });

  it('should validate project paths and tell which repositories a project covers', () => {
    expect(assertValidProject('team/app')).toBe('team/app');
    expect(() => assertValidProject('Team/App')).toThrow(/^project: /);
    expect(() => assertValidProject('team//app')).toThrow(CleanupPolicyError);
    expect(inProject('team/app', 'team/app')).toBe(true);
    expect(inProject('team/app', 'team/app/api')).toBe(true);
    expect(inProject('team/app', 'team/application')).toBe(false);
    expect(inProject('team/app', 'team')).toBe(false);
  });
});
