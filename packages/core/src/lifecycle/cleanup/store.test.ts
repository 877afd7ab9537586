import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pathFor } from '../../storage/paths.js';
import { utf8 } from '../../streams.js';
import { DAY, ManualClock } from '../../test-support/cleanup-fakes.js';
import { CleanupPolicyError } from './errors.js';
import { CleanupPolicyStore, scheduleOf, type CleanupState } from './store.js';

function setup() {
  const clock = new ManualClock();
  const storage = new MemoryStorage();
  return { clock, storage, store: new CleanupPolicyStore(storage, { now: clock.now }) };
}

describe('cleanup policy store', () => {
  it('should save a policy over the defaults and read it back with its save time', async () => {
    const { store, clock } = setup();
    const saved = await store.save('team/app', { enabled: true, keep_n: 5 });
    expect(saved).toEqual({
      project: 'team/app',
      savedAt: new Date(clock.t).toISOString(),
      enabled: true,
      cadence: '1d',
      keep_n: 5,
      older_than: '90d',
      name_regex: '.*',
      name_regex_keep: null,
    });
    expect(await store.get('team/app')).toEqual(saved);
    expect(await store.get('team/other')).toBeNull();
  });

  it('should apply an update over the stored policy', async () => {
    const { store } = setup();
    await store.save('team/app', { enabled: true, keep_n: 5, name_regex_keep: 'v.+' });
    const updated = await store.save('team/app', { cadence: '7d' });
    expect(updated).toMatchObject({ enabled: true, keep_n: 5, name_regex_keep: 'v.+', cadence: '7d' });
  });

  it('should refuse an invalid policy or project naming the field, storing nothing', async () => {
    const { store } = setup();
    await expect(store.save('team/app', { name_regex_keep: '(' })).rejects.toMatchObject({ field: 'name_regex_keep' });
    await expect(store.save('Team', {})).rejects.toBeInstanceOf(CleanupPolicyError);
    expect(await store.list()).toEqual([]);
  });

  it('should keep the policies of a project and of a project below it apart', async () => {
    const { store, storage } = setup();
    await store.save('team', { keep_n: 1 });
    await store.save('team/app', { keep_n: 5 });
    await store.save('team/policy.json', { keep_n: 25 }); // a valid path component that looks like a file
    expect((await store.list()).map((p) => [p.project, p.keep_n])).toEqual([
      ['team', 1],
      ['team/app', 5],
      ['team/policy.json', 25],
    ]);
    expect(await store.delete('team')).toBe(true);
    expect((await store.list()).map((p) => p.project)).toEqual(['team/app', 'team/policy.json']);
    expect(await store.delete('team')).toBe(false);
    expect(await storage.list(pathFor({ kind: 'cleanupRoot' }))).toEqual(['/wharf/v1/_lifecycle/cleanup/team']);
  });

  it('should store the policy at its documented path', async () => {
    const { store, storage } = setup();
    await store.save('team/app', {});
    expect(
      JSON.parse(new TextDecoder().decode(await storage.getContent('/wharf/v1/_lifecycle/cleanup/team/app/_policy.json'))),
    ).toMatchObject({
      version: 1,
      project: 'team/app',
      policy: { cadence: '1d' },
    });
  });

  it('should read an unreadable policy or state file as none', async () => {
    const { store, storage } = setup();
    await storage.putContent(pathFor({ kind: 'cleanupPolicy', project: 'team/app' }), utf8('{not json'));
    await storage.putContent(pathFor({ kind: 'cleanupState', project: 'team/app' }), utf8('{"nextRunAt": 1}'));
    expect(await store.get('team/app')).toBeNull();
    expect(await store.state('team/app')).toBeNull();
    expect(await store.list()).toEqual([]);
  });

  it('should write and read the run state', async () => {
    const { store } = setup();
    const state: CleanupState = {
      policySavedAt: 'x',
      nextRunAt: '2026-06-02T00:00:00.000Z',
      cursor: { repository: 'team/app', remaining: ['a'] },
      runs: [],
    };
    await store.writeState('team/app', state);
    expect(await store.state('team/app')).toEqual(state);
  });

  it('should schedule the first run one cadence after the save, and later runs from the state of that save', async () => {
    const { store, clock } = setup();
    const policy = await store.save('team/app', { cadence: '7d' });
    expect(scheduleOf(policy, null)).toEqual({ nextRunAt: new Date(clock.t + 7 * DAY), cursor: null });
    const state: CleanupState = {
      policySavedAt: policy.savedAt,
      nextRunAt: '2026-07-01T00:00:00.000Z',
      cursor: { repository: 'r', remaining: [] },
      runs: [],
    };
    expect(scheduleOf(policy, state)).toEqual({ nextRunAt: new Date('2026-07-01T00:00:00.000Z'), cursor: state.cursor });
    clock.advance(DAY);
    const resaved = await store.save('team/app', {});
    expect(scheduleOf(resaved, state)).toEqual({ nextRunAt: new Date(clock.t + 7 * DAY), cursor: null });
  });
});
