import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GcRunEvent, RegistryHooks } from '../hooks.js';
import { pathFor } from '../storage/paths.js';
import { bytes, pushBlob } from '../test-support/fixtures.js';
import { HOUR, T0, testbed } from '../test-support/gc-testbed.js';
import { GcLock } from './lock.js';
import { summarizeReport } from './report.js';

const name = 'team/app';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('collectGarbage: marking', () => {
  it('should keep what tags reach and delete unreferenced old blobs, with counts and bytes', async () => {
    const t = testbed();
    const kept = await t.image(name, 'v1');
    const garbage = await pushBlob(t.app, name, bytes(1000));
    t.at(T0 + 2 * HOUR);
    const report = await t.gc();
    expect(report.deleted.blobs).toEqual({ count: 1, bytes: 1000 });
    expect(report.deleted.layerLinks.count).toBe(1);
    expect(await t.has(t.blobPath(garbage.digest))).toBe(false);
    expect(await t.has(t.linkPath(name, garbage.digest))).toBe(false);
    for (const d of [kept.config, ...kept.layers]) expect(await t.has(t.blobPath(d))).toBe(true);
    expect(report.marked).toEqual({ manifests: 1, blobs: 2 });
    expect(report.repositories).toBe(1);
    expect(summarizeReport(report)).toMatch(/deleted 1 blobs \(1000 B\)/);
    expect((await t.app.request(`/v2/${name}/manifests/v1`)).status).toBe(200);
  });

  it('should keep untagged manifests and their blobs unless untagged ones are deleted', async () => {
    const t = testbed();
    const old = await t.image(name, 'v1');
    await t.image(name, 'v1'); // moves the tag: `old` is untagged now
    t.at(T0 + 2 * HOUR);
    const keep = await t.gc();
    expect(keep.deleted.manifests.count).toBe(0);
    expect(keep.deleted.blobs.count).toBe(0);
    expect(keep.marked.manifests).toBe(2);

    const report = await t.gc({ deleteUntagged: true });
    expect(report.deleted.manifests.count).toBe(1);
    expect(report.deleted.blobs.count).toBe(2);
    expect(report.deleted.layerLinks.count).toBe(2);
    expect(await t.has(t.revisionPath(name, old.digest))).toBe(false);
    expect(await t.has(t.blobPath(old.layers[0]!))).toBe(false);
    expect((await t.app.request(`/v2/${name}/manifests/v1`)).status).toBe(200);
  });

  it('should keep untagged manifests younger than the grace period, and what they reference', async () => {
    const t = testbed();
    await t.image(name, 'v1');
    t.at(T0 + 50 * 60_000);
    const young = await t.image(name, 'v1');
    const untagged = await t.image('team/other', 'x');
    await t.app.request(`/v2/team/other/manifests/x`, { method: 'DELETE' });
    t.at(T0 + 100 * 60_000);
    const report = await t.gc({ deleteUntagged: true });
    // The first v1 image is untagged and 100 min old: deleted. `untagged` is 50 min old: kept.
    expect(report.deleted.manifests.count).toBe(1);
    expect(report.recent.manifests).toBe(1);
    expect(await t.has(t.revisionPath('team/other', untagged.digest))).toBe(true);
    expect(await t.has(t.blobPath(untagged.layers[0]!))).toBe(true);
    expect(await t.has(t.revisionPath(name, young.digest))).toBe(true);
  });

  it('should keep the children of a tagged index, and collect those of a deleted one', async () => {
    const t = testbed();
    const amd = await t.image(name, 'amd-tmp');
    const arm = await t.image(name, 'arm-tmp');
    await t.app.request(`/v2/${name}/manifests/amd-tmp`, { method: 'DELETE' });
    await t.app.request(`/v2/${name}/manifests/arm-tmp`, { method: 'DELETE' });
    const indexDigest = await t.index(name, 'multi', [amd, arm]);
    t.at(T0 + 2 * HOUR);
    const kept = await t.gc({ deleteUntagged: true });
    expect(kept.deleted.manifests.count).toBe(0);
    expect(kept.deleted.blobs.count).toBe(0);
    expect(kept.marked.manifests).toBe(3);

    await t.app.request(`/v2/${name}/manifests/multi`, { method: 'DELETE' });
    const report = await t.gc({ deleteUntagged: true });
    expect(report.deleted.manifests.count).toBe(3);
    expect(report.deleted.blobs.count).toBe(4);
    expect(await t.has(t.revisionPath(name, indexDigest))).toBe(false);
    expect(await t.has(t.revisionPath(name, amd.digest))).toBe(false);
  });

  it('should keep referrers of kept subjects and collect those of collected ones with their index entries', async () => {
    const t = testbed();
    const subject = await t.image(name, 'v1');
    const signature = await t.referrer(name, subject);
    t.at(T0 + 2 * HOUR);
    const kept = await t.gc({ deleteUntagged: true });
    expect(kept.deleted.manifests.count).toBe(0);
    expect(await t.has(t.blobPath(signature.blob))).toBe(true);
    const listed = await (await t.app.request(`/v2/${name}/referrers/${subject.digest}`)).json();
    expect(listed.manifests).toHaveLength(1);

    await t.app.request(`/v2/${name}/manifests/v1`, { method: 'DELETE' });
    const report = await t.gc({ deleteUntagged: true });
    expect(report.deleted.manifests.count).toBe(2);
    expect(report.deleted.referrers.count).toBe(1);
    expect(await t.has(t.blobPath(signature.blob))).toBe(false);
    const after = await (await t.app.request(`/v2/${name}/referrers/${subject.digest}`)).json();
    expect(after.manifests).toEqual([]);
  });

  it('should share blobs between repositories: a blob stays while any repository keeps it', async () => {
    const t = testbed();
    const image = await t.image(name, 'v1');
    for (const d of [image.config, ...image.layers]) {
      await t.app.request(`/v2/team/copy/blobs/uploads/?mount=${d}&from=${name}`, { method: 'POST' });
    }
    await t.putManifest('team/copy', 'v1', image.body, 'application/vnd.oci.image.manifest.v1+json');
    await t.app.request(`/v2/${name}/manifests/${image.digest}`, { method: 'DELETE' });
    t.at(T0 + 2 * HOUR);
    const report = await t.gc({ deleteUntagged: true });
    expect(report.deleted.blobs.count).toBe(0);
    expect(report.deleted.layerLinks.count).toBe(2); // team/app's links
    expect((await t.app.request(`/v2/team/copy/blobs/${image.layers[0]}`)).status).toBe(200);
  });
});

describe('collectGarbage: grace period', () => {
  it('should keep unreferenced blobs younger than the grace period', async () => {
    const t = testbed();
    const old = await pushBlob(t.app, name);
    t.at(T0 + 30 * 60_000);
    const young = await pushBlob(t.app, 'team/other');
    t.at(T0 + 70 * 60_000);
    const report = await t.gc();
    expect(report.deleted.blobs.count).toBe(1);
    expect(report.recent.blobs).toBe(0); // its fresh link marks it
    expect(report.recent.layerLinks).toBe(1);
    expect(await t.has(t.blobPath(old.digest))).toBe(false);
    expect(await t.has(t.blobPath(young.digest))).toBe(true);
    expect(report.cutoff).toBe(new Date(T0 + 10 * 60_000).toISOString());
  });

  it('should keep an old blob uploaded again within the grace period (its link is fresh)', async () => {
    const t = testbed();
    const content = bytes(77);
    const first = await pushBlob(t.app, name, content);
    t.at(T0 + 2 * HOUR);
    await pushBlob(t.app, 'team/other', content);
    t.at(T0 + 2 * HOUR + 60_000);
    const report = await t.gc();
    expect(await t.has(t.blobPath(first.digest))).toBe(true);
    expect(report.deleted.layerLinks.count).toBe(1); // team/app's old link
    expect(report.deleted.blobs.count).toBe(0);
  });

  it('should collect everything unreferenced with a grace period of 0', async () => {
    const t = testbed();
    await pushBlob(t.app, name);
    t.at(T0 + 1);
    const report = await t.gc({ graceMs: 0 });
    expect(report.deleted.blobs.count).toBe(1);
  });
});

describe('collectGarbage: dry run', () => {
  it('should report what a run would delete and change nothing', async () => {
    const t = testbed();
    await t.image(name, 'v1');
    await t.image(name, 'v1');
    await pushBlob(t.app, name, bytes(500));
    await t.storage.putContent(pathFor({ kind: 'uploadState', name, id: 'stale-upload-1' }), new TextEncoder().encode(JSON.stringify({ startedAt: new Date(T0).toISOString() })));
    t.at(T0 + 8 * 24 * HOUR);
    const before = await t.files();
    const dry = await t.gc({ dryRun: true, deleteUntagged: true });
    expect(await t.files()).toEqual(before);
    expect(dry.dryRun).toBe(true);
    const real = await t.gc({ deleteUntagged: true });
    for (const key of ['manifests', 'blobs', 'layerLinks', 'referrers'] as const) expect(dry.deleted[key]).toEqual(real.deleted[key]);
    expect(dry.deleted.uploads.count).toBe(1);
    expect(real.deleted.uploads.count).toBe(1);
    expect(dry.deleted.blobs.count).toBe(3);
    expect(summarizeReport(dry)).toMatch(/^gc dry run .*would delete 3 blobs/);
  });
});

describe('collectGarbage: upload sessions', () => {
  it('should purge sessions started over 7 days ago, with their bytes, and keep younger ones', async () => {
    const t = testbed();
    const start = async () => {
      const r = await t.app.request(`/v2/${name}/blobs/uploads/`, { method: 'POST' });
      const location = r.headers.get('Location') as string;
      await t.app.request(location, { method: 'PATCH', body: bytes(300) });
      return location;
    };
    const stale = await start();
    t.at(T0 + 6 * 24 * HOUR);
    const fresh = await start();
    t.at(T0 + 7 * 24 * HOUR + 60_000);
    const report = await t.gc();
    expect(report.deleted.uploads).toEqual({ count: 1, bytes: 300 });
    expect((await t.app.request(stale)).status).toBe(404);
    expect((await t.app.request(fresh)).status).toBe(204);
  });
});

describe('collectGarbage: what it cannot read', () => {
  it('should delete no blob when a manifest is unreadable, and say why', async () => {
    const t = testbed();
    await t.image(name, 'v1');
    const garbage = await pushBlob(t.app, name);
    await t.storage.putContent(t.revisionPath(name, `sha256:${'e'.repeat(64)}`), new TextEncoder().encode('not a revision'));
    t.at(T0 + 2 * HOUR);
    const report = await t.gc();
    expect(report.deleted.blobs.count).toBe(0);
    expect(report.deleted.layerLinks.count).toBe(0);
    expect(await t.has(t.blobPath(garbage.digest))).toBe(true);
    expect(await t.has(t.linkPath(name, garbage.digest))).toBe(true);
    expect(report.warnings).toEqual([expect.stringMatching(/unreadable; its blobs are unknown/)]);
  });

  it('should keep the untagged manifests of a repository whose tags it cannot all read', async () => {
    const t = testbed();
    const untagged = await t.image(name, 'v1');
    await t.image(name, 'v1');
    await t.storage.putContent(pathFor({ kind: 'tag', name, tag: 'broken' }), new TextEncoder().encode('{oops'));
    t.at(T0 + 2 * HOUR);
    const report = await t.gc({ deleteUntagged: true });
    expect(report.deleted.manifests.count).toBe(0);
    expect(await t.has(t.blobPath(untagged.layers[0]!))).toBe(true);
    expect(report.warnings).toEqual([expect.stringMatching(/tag broken is unreadable/)]);
  });
});

describe('collectGarbage: the onGcRun hook', () => {
  it('should report finished and failed runs, and not a run refused by the lock', async () => {
    const t = testbed();
    await pushBlob(t.app, name, bytes(42));
    t.at(T0 + 2 * HOUR);
    const events: GcRunEvent[] = [];
    const hooks: RegistryHooks = {
      onGcRun: (e) => {
        events.push(e);
      },
    };
    const report = await t.gc({ hooks });
    expect(events).toEqual([
      expect.objectContaining({ runId: report.run, status: 'finished', dryRun: false, deleted: { manifests: 0, blobs: 1, bytes: 42 }, failed: 0 }),
    ]);
    await t.storage.putContent(pathFor({ kind: 'gcMover', id: 'm' }), new TextEncoder().encode(JSON.stringify({ what: 'renaming x', startedAt: new Date().toISOString() })));
    await expect(t.gc({ hooks, moverTimeoutMs: 0 })).rejects.toThrow(/renaming x/);
    expect(events[1]).toMatchObject({ status: 'failed', errors: [expect.stringMatching(/renaming x/)] });
    await t.storage.delete(pathFor({ kind: 'gcMover', id: 'm' }));
    await new GcLock(t.storage, 'elsewhere').acquire();
    await expect(t.gc({ hooks })).rejects.toThrow(/another garbage collection/);
    expect(events).toHaveLength(2);
  });
});
