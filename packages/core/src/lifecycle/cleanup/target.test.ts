import { describe, expect, it } from 'vitest';
import { parseDigest } from '../../digest.js';
import { decodeLink, encodeLink } from '../../manifests/manifest-link.js';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pathFor } from '../../storage/paths.js';
import { DAY, ManualClock } from '../../test-support/cleanup-fakes.js';
import { pushImage } from '../../test-support/fixtures.js';
import type { CleanupRunEvent, DeleteEvent } from '../../hooks.js';
import { createCleanup } from './create-cleanup.js';

function setup(options: { deletes?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const storage = new MemoryStorage();
  const deletes: DeleteEvent[] = [];
  const runs: CleanupRunEvent[] = [];
  const registry = createRegistry({
    storage,
    now: clock.now,
    deletes: options.deletes ?? true,
    hooks: { onDelete: (e) => void deletes.push(e), onCleanupRun: (e) => void runs.push(e) },
  });
  const cleanup = createCleanup(registry.api, { leaseSettleMs: 0 });
  /** Push `tag` to `name` as it was `daysAgo` days before the clock's time. */
  const pushAged = async (name: string, tag: string, daysAgo: number) => {
    const now = clock.t;
    clock.t = now - daysAgo * DAY;
    const pushed = await pushImage(registry.app, name, tag);
    clock.t = now;
    return pushed;
  };
  const tags = async (name: string) => (await registry.api.listTags(name)).tags;
  return { clock, storage, registry, cleanup, pushAged, tags, deletes, runs };
}

describe('cleanup over a registry', () => {
  it('should list a repository’s tags with their digests and creation times', async () => {
    const { cleanup, pushAged, clock } = setup();
    const v1 = await pushAged('team/app', 'v1', 10);
    expect(await cleanup.target.listTags('team/app')).toEqual([{ name: 'v1', digest: v1.digest, createdAt: new Date(clock.t - 10 * DAY) }]);
  });

  it('should list the repositories of a project: it and those below it, not its neighbours', async () => {
    const { cleanup, pushAged } = setup();
    for (const name of ['team/app', 'team/app/api', 'team/app/api/v2', 'team/application', 'team/other']) await pushAged(name, 'v1', 1);
    expect(await cleanup.target.listRepositories('team/app')).toEqual(['team/app', 'team/app/api', 'team/app/api/v2']);
    expect(await cleanup.target.listRepositories('team/none')).toEqual([]);
  });

  it('should run a policy end to end: per repository, latest and preserved tags kept, neighbours untouched', async () => {
    const { cleanup, pushAged, tags, clock, deletes, runs } = setup();
    for (const [tag, age] of [
      ['latest', 100],
      ['v1.0', 90],
      ['dev-1', 80],
      ['dev-2', 60],
      ['dev-3', 3],
    ] as const)
      await pushAged('team/app', tag, age);
    for (const [tag, age] of [
      ['dev-a', 50],
      ['dev-b', 40],
    ] as const)
      await pushAged('team/app/api', tag, age);
    await pushAged('team/application', 'dev-x', 100);
    await cleanup.policies.save('team/app', { enabled: true, keep_n: 1, older_than: '30d', name_regex_keep: 'v.+' });

    clock.advance(DAY);
    const [run] = await cleanup.scheduler.tick();
    expect(run?.status).toBe('finished');
    expect(await tags('team/app')).toEqual(['dev-3', 'latest', 'v1.0']);
    expect(await tags('team/app/api')).toEqual(['dev-b']);
    expect(await tags('team/application')).toEqual(['dev-x']);
    expect(deletes.map((e) => `${e.repository}:${'tag' in e ? e.tag : ''}`).sort()).toEqual([
      'team/app/api:dev-a',
      'team/app:dev-1',
      'team/app:dev-2',
    ]);
    expect(deletes[0]?.principal).toEqual({ subject: 'cleanup-policy' });
    const state = await cleanup.policies.state('team/app');
    expect(state?.runs[0]?.deletedCount).toBe(3);
    expect(runs).toEqual([
      expect.objectContaining({ project: 'team/app', runId: run?.id, status: 'finished', deleted: { tags: 3 }, failed: 0 }),
    ]);
    expect(runs[0]).not.toHaveProperty('principal'); // a scheduled run
  });

  it('should leave the tags of paused repositories alone, and clean them once they are no longer paused', async () => {
    const { registry, pushAged, tags, clock } = setup();
    await pushAged('team/app', 'old', 90);
    await pushAged('team/app/api', 'old', 90);
    let pausedNow = true;
    const cleanup = createCleanup(registry.api, { leaseSettleMs: 0, paused: (name) => pausedNow && name === 'team/app' });
    await cleanup.policies.save('team/app', { enabled: true, keep_n: null, older_than: '30d', name_regex_delete: '.*' });
    expect(await cleanup.target.listRepositories('team/app')).toEqual(['team/app/api']);
    clock.advance(DAY);
    await cleanup.scheduler.tick();
    expect(await tags('team/app')).toEqual(['old']);
    expect(await tags('team/app/api')).toEqual([]);

    pausedNow = false;
    await cleanup.runner.run('team/app');
    expect(await tags('team/app')).toEqual([]);
  });

  it('should keep a tag whose manifest is gone', async () => {
    const { cleanup, pushAged, storage, tags } = setup();
    const gone = await pushAged('team/app', 'gone', 100);
    await pushAged('team/app', 'old', 100);
    await storage.delete(pathFor({ kind: 'revision', name: 'team/app', digest: parseDigest(gone.digest) }));
    expect((await cleanup.target.listTags('team/app')).find((t) => t.name === 'gone')).toEqual({
      name: 'gone',
      digest: null,
      createdAt: null,
    });
    const result = await cleanup.bulkDelete('team/app', { name_regex_delete: '.*' });
    expect(result.deleted).toEqual(['old']);
    expect(result.kept).toEqual([{ tag: 'gone', reason: 'no_manifest' }]);
    expect(await tags('team/app')).toEqual(['gone']);
  });

  it('should date a tag written before tags carried times by its manifest’s push time', async () => {
    const { cleanup, pushAged, storage, clock } = setup();
    await pushAged('team/app', 'old', 40);
    const path = pathFor({ kind: 'tag', name: 'team/app', tag: 'old' });
    const link = decodeLink(await storage.getContent(path));
    if (!link) throw new Error('no link');
    const { createdAt: _c, updatedAt: _u, ...bare } = link;
    await storage.putContent(path, encodeLink(bare));
    expect(await cleanup.target.listTags('team/app')).toEqual([
      { name: 'old', digest: link.digest, createdAt: new Date(clock.t - 40 * DAY) },
    ]);
  });

  it('should record each refused delete as a failure when the registry refuses deletes', async () => {
    const { cleanup, pushAged, tags } = setup({ deletes: false });
    await pushAged('team/app', 'a', 100);
    await cleanup.policies.save('team/app', { keep_n: null });
    const result = await cleanup.runner.run('team/app');
    expect(result.failed).toEqual([{ repository: 'team/app', tag: 'a', error: 'deletes are disabled on this registry' }]);
    expect(await tags('team/app')).toEqual(['a']);
  });

  it('should dry-run a policy over a registry without deleting', async () => {
    const { cleanup, pushAged, tags } = setup();
    await pushAged('team/app', 'a', 100);
    await pushAged('team/app', 'b', 1);
    await cleanup.policies.save('team/app', {});
    const preview = await cleanup.runner.run('team/app', { dryRun: true, policy: { keep_n: 1, older_than: null } });
    expect(preview.plans).toEqual([{ repository: 'team/app', delete: ['a'], kept: [{ tag: 'b', reason: 'keep_n' }] }]);
    expect(await tags('team/app')).toEqual(['a', 'b']);
  });

  it('should refuse to bulk-delete in an unknown repository, and a run should skip a repository deleted meanwhile', async () => {
    const { cleanup, pushAged } = setup();
    await expect(cleanup.bulkDelete('team/none', { name_regex_delete: '.*' })).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await pushAged('team/app', 'a', 100);
    await cleanup.policies.save('team/app', { keep_n: null });
    const listRepositories = cleanup.target.listRepositories;
    cleanup.target.listRepositories = async (project) => [...(await listRepositories(project)), 'team/app/vanished'];
    const result = await cleanup.runner.run('team/app');
    expect(result).toMatchObject({ status: 'finished', failed: [], deleted: [{ repository: 'team/app', tag: 'a' }] });
  });

  it('should count a tag deleted by someone else meanwhile as neither deleted nor failed', async () => {
    const { cleanup, pushAged, registry } = setup();
    await pushAged('team/app', 'a', 100);
    await registry.api.deleteManifest('team/app', { tag: 'a' });
    expect(await cleanup.target.deleteTag('team/app', 'a')).toBe(false);
  });
});
