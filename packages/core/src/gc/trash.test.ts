import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PathNotFoundError, type DriverCallOptions } from '../storage/driver.js';
import { guard } from '../storage/guard.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { GC_ROOT, pathFor } from '../storage/paths.js';
import { bytes, errorCode, pushBlob } from '../test-support/fixtures.js';
import { HOUR, T0, testbed } from '../test-support/gc-testbed.js';
import { recoverTrash, Trash } from './trash.js';

/** Memory storage that runs a hook around each move into the trash: the race, on cue. */
class RacyStorage extends MemoryStorage {
  before: ((source: string) => Promise<void>) | undefined;
  after: ((source: string) => Promise<void>) | undefined;

  /**
   * Moves into the trash the way S3 does (copy, then delete the source), running this between
   * the two; a touch there reaches the source, which the delete then takes.
   */
  betweenCopyAndDelete: ((source: string) => Promise<void>) | undefined;

  override async move(sourcePath: string, destPath: string, options?: DriverCallOptions): Promise<void> {
    const intoTrash = destPath.startsWith(`${GC_ROOT}/trash/`);
    if (intoTrash) await this.before?.(sourcePath);
    const between = intoTrash ? this.betweenCopyAndDelete : undefined;
    if (between) {
      const content = await this.getContent(sourcePath, options);
      await super.move(sourcePath, destPath, options); // the copy, with the source's modTime
      await super.putContent(sourcePath, content, options); // the source, until the delete
      await between(sourcePath);
      await super.delete(sourcePath, options);
    } else {
      await super.move(sourcePath, destPath, options);
    }
    if (intoTrash) await this.after?.(sourcePath);
  }

  afterDelete: ((path: string) => Promise<void>) | undefined;

  override async delete(path: string, options?: DriverCallOptions): Promise<void> {
    await super.delete(path, options);
    if (path.startsWith(`${GC_ROOT}/trash/`)) await this.afterDelete?.(path);
  }
}

const text = (s: string) => new TextEncoder().encode(s);
const name = 'team/app';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Trash.dispose', () => {
  async function fixture() {
    const inner = new RacyStorage();
    const driver = guard(inner);
    const paths = ['/wharf/v1/blobs/sha256/aa/a', '/wharf/v1/blobs/sha256/bb/b', '/wharf/v1/blobs/sha256/cc/c'];
    for (const p of paths) await driver.putContent(p, text(p));
    const items = await Promise.all(paths.map(async (path) => ({ path, modTime: (await driver.stat(path)).modTime.getTime(), size: path.length })));
    vi.setSystemTime(T0 + HOUR);
    const trash = new Trash(driver, 'run-1', { recheckDelayMs: 0, concurrency: 1, beforeBatch: async () => {} });
    return { inner, driver, paths, items, trash };
  }

  it('should delete what nobody touched', async () => {
    const { driver, paths, items, trash } = await fixture();
    const outcome = await trash.dispose(items);
    expect(outcome.deleted.map((i) => i.path)).toEqual(paths);
    for (const p of paths) await expect(driver.stat(p)).rejects.toBeInstanceOf(PathNotFoundError);
    await expect(driver.list(`${GC_ROOT}/trash`)).rejects.toBeInstanceOf(PathNotFoundError);
  });

  it('should put back a file a push touched just before the move', async () => {
    const { inner, driver, paths, items, trash } = await fixture();
    inner.before = async (source) => {
      if (source === paths[1]) await driver.touch(source);
    };
    const outcome = await trash.dispose(items);
    expect(outcome.restored.map((i) => i.path)).toEqual([paths[1]]);
    expect(outcome.deleted).toHaveLength(2);
    expect(new TextDecoder().decode(await driver.getContent(paths[1]!))).toBe(paths[1]);
  });

  it('should not even move a file a push touched since it was judged', async () => {
    const { inner, driver, paths, items, trash } = await fixture();
    await driver.touch(paths[2]!);
    const moved: string[] = [];
    inner.before = async (source) => {
      moved.push(source);
    };
    const outcome = await trash.dispose(items);
    expect(outcome.restored.map((i) => i.path)).toEqual([paths[2]]);
    expect(moved).not.toContain(paths[2]);
  });

  it('should make a touch after the move fail, and delete the file', async () => {
    const { inner, driver, items, trash } = await fixture();
    const touches: unknown[] = [];
    inner.after = async (source) => {
      touches.push(await driver.touch(source).catch((e: unknown) => e));
    };
    const outcome = await trash.dispose(items);
    expect(touches.every((e) => e instanceof PathNotFoundError)).toBe(true);
    expect(outcome.deleted).toHaveLength(3);
  });

  it('should count what was gone before the move', async () => {
    const { driver, paths, items, trash } = await fixture();
    await driver.delete(paths[0]!);
    const outcome = await trash.dispose(items);
    expect(outcome.gone.map((i) => i.path)).toEqual([paths[0]]);
  });
});

describe('collectGarbage racing a push', () => {
  /** An image whose manifest was deleted: its links and blobs are garbage, and old. */
  async function orphanedImage() {
    const inner = new RacyStorage();
    const t = testbed(inner);
    const config = text('{"architecture":"amd64","os":"linux"}');
    const layer = bytes(200);
    const upload = async () => [await pushBlob(t.app, name, config), await pushBlob(t.app, name, layer)];
    const [c, l] = await upload();
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }],
    });
    const image = { digest: await t.putManifest(name, 'v1', body, 'application/vnd.oci.image.manifest.v1+json'), config: c!.digest, layers: [l!.digest] };
    await t.app.request(`/v2/${name}/manifests/${image.digest}`, { method: 'DELETE' });
    t.at(T0 + 2 * HOUR);
    // settleMs is 0 here: forget the registry's cached "no collection", as the settle time would.
    const push = () => {
      t.registry.api.gcSignal.reset();
      return t.app.request(`/v2/${name}/manifests/v1`, { method: 'PUT', body, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    };
    return { inner, t, image, push, upload };
  }

  it('should put back what a push reused just before the move, and the push pulls intact', async () => {
    const { inner, t, image, push } = await orphanedImage();
    // Every move into the trash waits for the push, which comes just before the first one.
    let pushed: Promise<Response> | Response | undefined;
    inner.before = async () => {
      pushed ??= push();
      await pushed;
    };
    const report = await t.gc();
    expect((await pushed)?.status).toBe(201);
    expect(report.restored).toBeGreaterThanOrEqual(1);
    expect(report.deleted.blobs.count).toBe(0);
    for (const d of [image.config, ...image.layers]) expect((await t.app.request(`/v2/${name}/blobs/${d}`)).status).toBe(200);
  });

  it('should let a push that reuses a file after its move take it back from the trash', async () => {
    const { inner, t, image, push } = await orphanedImage();
    let status = 0;
    inner.after = async () => {
      inner.after = undefined;
      status = (await push()).status;
    };
    const report = await t.gc();
    expect(status).toBe(201);
    expect(report.deleted.blobs.count).toBe(0);
    expect(report.deleted.layerLinks.count).toBe(0);
    for (const d of [image.config, ...image.layers]) expect((await t.app.request(`/v2/${name}/blobs/${d}`)).status).toBe(200);
  });

  it('should put back what a push reused between the copy and the delete of a move that is not atomic (S3)', async () => {
    const { inner, t, image, push } = await orphanedImage();
    let status = 0;
    inner.betweenCopyAndDelete = async () => {
      inner.betweenCopyAndDelete = undefined;
      status = (await push()).status;
    };
    const report = await t.gc();
    expect(status).toBe(201);
    expect(report.restored).toBeGreaterThanOrEqual(1);
    expect(report.deleted.blobs.count).toBe(0);
    expect(report.deleted.layerLinks.count).toBe(0);
    for (const d of [image.config, ...image.layers]) expect((await t.app.request(`/v2/${name}/blobs/${d}`)).status).toBe(200);
    // The run took its touch records away with it.
    await expect(t.storage.list(`${GC_ROOT}/touched`)).rejects.toBeInstanceOf(PathNotFoundError);
  });

  it('should fail a push whose reused file was already deleted, and take the retry', async () => {
    const { inner, t, image, push, upload } = await orphanedImage();
    let code = '';
    inner.afterDelete = async () => {
      inner.afterDelete = undefined;
      code = await errorCode(await push());
    };
    const report = await t.gc();
    expect(code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(report.deleted.blobs.count).toBe(2);
    // The client's retry: the blobs HEAD says are missing are uploaded again, then the manifest.
    expect((await t.app.request(`/v2/${name}/blobs/${image.layers[0]}`, { method: 'HEAD' })).status).toBe(404);
    await upload();
    expect((await push()).status).toBe(201);
    expect((await t.app.request(`/v2/${name}/blobs/${image.layers[0]}`)).status).toBe(200);
  });
});

describe('recoverTrash', () => {
  it('should delete old files a crashed run left and put back those touched after it started', async () => {
    const driver = guard(new MemoryStorage());
    const run = `${T0 + HOUR}-dead`;
    const garbage = pathFor({ kind: 'gcTrash', run, path: '/wharf/v1/blobs/sha256/aa/garbage' });
    const touched = pathFor({ kind: 'gcTrash', run, path: '/wharf/v1/repositories/team/app/_layers/sha256/touched' });
    const storedAgain = pathFor({ kind: 'gcTrash', run, path: '/wharf/v1/blobs/sha256/bb/again' });
    await driver.putContent(garbage, text('garbage!'));
    await driver.putContent(storedAgain, text('old copy'));
    vi.setSystemTime(T0 + 2 * HOUR);
    await driver.putContent(touched, text('touched'));
    await driver.putContent('/wharf/v1/blobs/sha256/bb/again', text('new copy'));
    await driver.touch(storedAgain);

    const dry = await recoverTrash(driver, 'current', { dryRun: true });
    expect(dry).toEqual({ deleted: { count: 1, bytes: 8 }, restored: 2 });
    expect(await driver.stat(garbage)).toBeTruthy();

    const result = await recoverTrash(driver, 'current', { dryRun: false });
    expect(result).toEqual(dry);
    expect(new TextDecoder().decode(await driver.getContent('/wharf/v1/repositories/team/app/_layers/sha256/touched'))).toBe('touched');
    expect(new TextDecoder().decode(await driver.getContent('/wharf/v1/blobs/sha256/bb/again'))).toBe('new copy');
    await expect(driver.list(`${GC_ROOT}/trash`)).rejects.toBeInstanceOf(PathNotFoundError);
  });

  it('should put back a trashed file a registry recorded as touched for the crashed run, and drop old records', async () => {
    const driver = guard(new MemoryStorage());
    const run = `${T0 + HOUR}-dead`;
    const original = '/wharf/v1/blobs/sha256/cc/recorded';
    await driver.putContent(pathFor({ kind: 'gcTrash', run, path: original }), text('old, but reused'));
    await driver.putContent(pathFor({ kind: 'gcTouched', run, path: original }), new Uint8Array());
    await driver.putContent(pathFor({ kind: 'gcTouched', run: 'finished-long-ago', path: original }), new Uint8Array());
    vi.setSystemTime(T0 + 2 * HOUR);
    expect(await recoverTrash(driver, 'current', { dryRun: false })).toEqual({ deleted: { count: 0, bytes: 0 }, restored: 1 });
    expect(new TextDecoder().decode(await driver.getContent(original))).toBe('old, but reused');
    await expect(driver.list(`${GC_ROOT}/touched`)).rejects.toBeInstanceOf(PathNotFoundError);
  });

  it('should be run by the next collection', async () => {
    const t = testbed();
    const { digest } = await pushBlob(t.app, name, bytes(10));
    await t.storage.move(t.blobPath(digest), pathFor({ kind: 'gcTrash', run: `${T0 + HOUR}-crashed`, path: t.blobPath(digest) }));
    t.at(T0 + 2 * HOUR);
    const report = await t.gc();
    expect(report.deleted.trash).toEqual({ count: 1, bytes: 10 });
  });
});
