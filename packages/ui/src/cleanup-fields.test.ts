import { describe, expect, it } from 'vitest';
import { CADENCES, DEFAULT_CLEANUP_POLICY, KEEP_N_VALUES, OLDER_THAN_VALUES, parseCleanupPolicy } from '@wharf/core';
import { CADENCE_CHOICES, formFieldOf, formValuesOf, KEEP_N_CHOICES, OLDER_THAN_CHOICES, readCleanupForm } from './cleanup-fields.js';

const valid = {
  enabled: 'true',
  cadence: '14d',
  keep_n: '25',
  older_than: '30d',
  name_regex_delete: '.*',
  name_regex_keep: '(?:main|v.+)',
};

describe('the cleanup form fields', () => {
  it("should offer exactly core's accepted values, in GitLab's words", () => {
    expect(CADENCE_CHOICES.map(([v]) => v)).toEqual([...CADENCES]);
    expect(CADENCE_CHOICES.map(([, label]) => label)).toEqual([
      'Every day',
      'Every week',
      'Every two weeks',
      'Every month',
      'Every three months',
    ]);
    expect(KEEP_N_CHOICES.map(([v]) => v)).toEqual(KEEP_N_VALUES.map(String));
    expect(KEEP_N_CHOICES[0]).toEqual(['1', '1 tag per image name']);
    expect(OLDER_THAN_CHOICES.map(([v]) => v)).toEqual([...OLDER_THAN_VALUES]);
    expect(OLDER_THAN_CHOICES[0]).toEqual(['7d', '7 days']);
  });

  it('should read a valid form into an input core accepts as it is', () => {
    const { input, errors } = readCleanupForm(valid);
    expect(errors).toEqual({});
    expect(input).toEqual({
      enabled: true,
      cadence: '14d',
      keep_n: 25,
      older_than: '30d',
      name_regex_delete: '.*',
      name_regex_keep: '(?:main|v.+)',
    });
    expect(parseCleanupPolicy(input)).toMatchObject({ name_regex: '.*', keep_n: 25 });
  });

  it('should read a missing checkbox as off and an empty keep pattern as none', () => {
    const { enabled: _, ...rest } = valid;
    const { input } = readCleanupForm({ ...rest, name_regex_keep: '' });
    expect(input).toMatchObject({ enabled: false, name_regex_keep: null });
  });

  it('should explain each wrong field with the server’s RE2 rules and give no input', () => {
    const { input, errors, values } = readCleanupForm({
      ...valid,
      cadence: '2d',
      keep_n: '3',
      older_than: '60y',
      name_regex_delete: '(a',
      name_regex_keep: '(\\w)\\1',
    });
    expect(input).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['cadence', 'keep_n', 'name_regex_delete', 'name_regex_keep', 'older_than']);
    expect(errors.name_regex_delete).toMatch(/^Invalid pattern: missing closing \)/);
    expect(errors.name_regex_keep).toMatch(/^Invalid pattern: .*RE2 syntax/);
    expect(values.name_regex_delete).toBe('(a');
  });

  it('should refuse a blank pattern to remove and a pattern longer than the server allows', () => {
    expect(readCleanupForm({ ...valid, name_regex_delete: '' }).errors.name_regex_delete).toBe(
      'This cannot be blank. To match every tag, use .*',
    );
    expect(readCleanupForm({ ...valid, name_regex_keep: 'a'.repeat(256) }).errors.name_regex_keep).toMatch(/at most 255/);
  });

  it('should ignore fields that are not text (a file upload) as empty', () => {
    const { errors } = readCleanupForm({ ...valid, name_regex_delete: new Blob(['x']) });
    expect(errors.name_regex_delete).toMatch(/cannot be blank/);
  });

  it('should show a stored policy, with "no rule" as an empty choice', () => {
    expect(formValuesOf(DEFAULT_CLEANUP_POLICY)).toEqual({
      enabled: false,
      cadence: '1d',
      keep_n: '10',
      older_than: '90d',
      name_regex_delete: '.*',
      name_regex_keep: '',
    });
    const none = formValuesOf({ ...DEFAULT_CLEANUP_POLICY, keep_n: null, older_than: null });
    expect(none).toMatchObject({ keep_n: '', older_than: '' });
    expect(readCleanupForm({ ...valid, keep_n: '', older_than: '' }).input).toMatchObject({ keep_n: null, older_than: null });
  });

  it("should name the form field of core's error fields", () => {
    expect(formFieldOf('name_regex')).toBe('name_regex_delete');
    expect(formFieldOf('name_regex_delete')).toBe('name_regex_delete');
    expect(formFieldOf('keep_n')).toBe('keep_n');
    expect(formFieldOf('project')).toBeNull();
  });
});
