import { describe, expect, it } from 'vitest';
import { FakeTarget, ManualClock } from '../../test-support/cleanup-fakes.js';
import { bulkDeleteTags, parseBulkDeleteParams } from './bulk-delete.js';
import { CleanupPolicyError } from './errors.js';

function setup() {
  const clock = new ManualClock();
  const target = new FakeTarget(clock).add('team/app', { latest: 400, 'v1.0': 300, 'dev-1': 200, 'dev-2': 100, 'dev-3': 0.01 });
  return { clock, target, now: new Date(clock.t) };
}

const refusal = (input: unknown) => {
  try {
    parseBulkDeleteParams(input);
  } catch (error) {
    if (error instanceof CleanupPolicyError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('bulk delete', () => {
  it('should require name_regex_delete', () => {
    expect(refusal({}).field).toBe('name_regex_delete');
    expect(refusal({ keep_n: 1 }).message).toMatch(/name_regex_delete: is required/);
    expect(refusal({ name_regex_delete: '' }).field).toBe('name_regex_delete');
  });

  it('should refuse invalid fields by name', () => {
    expect(refusal({ name_regex_delete: '(' }).field).toBe('name_regex_delete');
    expect(refusal({ name_regex: '(' }).field).toBe('name_regex');
    expect(refusal({ name_regex_delete: '.*', name_regex_keep: '(?!x)' }).field).toBe('name_regex_keep');
    expect(refusal({ name_regex_delete: '.*', keep_n: -1 }).field).toBe('keep_n');
    expect(refusal({ name_regex_delete: '.*', keep_n: 'five' }).field).toBe('keep_n');
    expect(refusal({ name_regex_delete: '.*', older_than: 'soon' }).field).toBe('older_than');
    expect(refusal({ name_regex_delete: '.*', extra: 1 }).field).toBe('extra');
  });

  it('should refuse keys that reach prototypes and bodies that are not objects', () => {
    expect(refusal(JSON.parse('{"name_regex_delete":".*","__proto__":{"keep_n":0}}')).field).toBe('__proto__');
    expect(refusal(JSON.parse('{"constructor":1}')).field).toBe('constructor');
    expect(refusal([]).field).toBe('(request)');
    expect(refusal({ name_regex_delete: '.*', older_than: '1d '.repeat(100) }).field).toBe('older_than');
  });

  it('should never delete latest, even with .*', async () => {
    const { target, now } = setup();
    const result = await bulkDeleteTags(target, 'team/app', { name_regex_delete: '.*' }, { now });
    expect(result.deleted).toEqual(['v1.0', 'dev-1', 'dev-2', 'dev-3']);
    expect(target.tags('team/app')).toEqual(['latest']);
  });

  it("should take keep_n and older_than with GitLab's semantics, keep_n as digits too", async () => {
    const { target, now } = setup();
    const result = await bulkDeleteTags(target, 'team/app', { name_regex_delete: 'dev-.*', keep_n: '1', older_than: '150d' }, { now });
    expect(result.deleted).toEqual(['dev-1']);
    expect(result.kept).toEqual([
      { tag: 'latest', reason: 'latest' },
      { tag: 'v1.0', reason: 'name_regex' },
      { tag: 'dev-3', reason: 'keep_n' },
      { tag: 'dev-2', reason: 'older_than' },
    ]);
  });

  it('should take older_than as any duration, such as 1h', async () => {
    const { target, now } = setup();
    const result = await bulkDeleteTags(target, 'team/app', { name_regex_delete: 'dev-.*', keep_n: 0, older_than: '1h' }, { now });
    expect(result.deleted).toEqual(['dev-1', 'dev-2']);
    expect(result.kept.at(-1)).toEqual({ tag: 'dev-3', reason: 'older_than' }); // 14 minutes old
  });

  it('should keep name_regex_keep matches and accept the deprecated name_regex', async () => {
    const { target, now } = setup();
    const result = await bulkDeleteTags(target, 'team/app', { name_regex: '.*', name_regex_keep: 'dev-[12]' }, { now });
    expect(result.deleted).toEqual(['v1.0', 'dev-3']);
  });

  it('should delete nothing in a dry run', async () => {
    const { target, now } = setup();
    const result = await bulkDeleteTags(target, 'team/app', { name_regex_delete: 'dev-.*' }, { now, dryRun: true });
    expect(result).toMatchObject({ dryRun: true, deleted: ['dev-1', 'dev-2', 'dev-3'], failed: [] });
    expect(target.tags('team/app')).toHaveLength(5);
  });

  it('should report tags it could not delete and carry on', async () => {
    const { target, now } = setup();
    target.failDelete.add('team/app:dev-1');
    const result = await bulkDeleteTags(target, 'team/app', { name_regex_delete: 'dev-.*' }, { now });
    expect(result.deleted).toEqual(['dev-2', 'dev-3']);
    expect(result.failed).toEqual([{ tag: 'dev-1', error: 'cannot delete team/app:dev-1' }]);
  });
});
