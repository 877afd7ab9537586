import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { MEDIA_TYPES } from '../manifests/media-types.js';
import { checkRename } from './repository-rename.js';

/** A memory driver that records the files it moves, in order. */
class RecordingStorage extends MemoryStorage {
  readonly moved: string[] = [];
  override async move(sourcePath: string, destPath: string): Promise<void> {
    this.moved.push(sourcePath);
    return super.move(sourcePath, destPath);
  }
}

describe('checkRename', () => {
  it('should refuse another top-level namespace unless the host vouches for the move', () => {
    expect(() => checkRename('team/app', 'other/app')).toThrow(/top-level namespace/);
    expect(() => checkRename('team/app', 'other/app', { acrossNamespaces: false })).toThrow(/top-level namespace/);
    expect(() => checkRename('team/app', 'other/app', { acrossNamespaces: true })).not.toThrow();
  });

  it('should still refuse invalid and unchanged names across namespaces', () => {
    expect(() => checkRename('team/app', 'Other/app', { acrossNamespaces: true })).toThrow(expect.objectContaining({ code: 'NAME_INVALID' }));
    expect(() => checkRename('team/app', 'team/app', { acrossNamespaces: true })).toThrow(expect.objectContaining({ code: 'NAME_INVALID' }));
  });
});

describe('RegistryManagement.renameRepository across namespaces', () => {
  it('should move a repository into another top-level namespace with acrossNamespaces', async () => {
    const registry = createRegistry({ storage: new MemoryStorage() });
    const image = await pushImage(registry.app, 'team/app', 'v1');
    await expect(registry.management.renameRepository('team/app', 'other/app')).rejects.toMatchObject({ code: 'NAME_INVALID' });
    const result = await registry.management.renameRepository('team/app', 'other/app', {}, { acrossNamespaces: true });
    expect(result).toMatchObject({ from: 'team/app', to: 'other/app' });
    const moved = await registry.app.request('/v2/other/app/manifests/v1', { headers: { Accept: MEDIA_TYPES.ociManifest } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('docker-content-digest')).toBe(image.digest);
    expect((await registry.app.request('/v2/team/app/manifests/v1')).status).toBe(404);
  });

  it('should refuse a move across namespaces onto an existing repository', async () => {
    const registry = createRegistry({ storage: new MemoryStorage() });
    await pushImage(registry.app, 'team/app', 'v1');
    await pushImage(registry.app, 'other/app', 'v1');
    await expect(registry.management.renameRepository('team/app', 'other/app', {}, { acrossNamespaces: true })).rejects.toMatchObject({
      code: 'NAME_CONFLICT',
    });
    expect((await registry.app.request('/v2/team/app/manifests/v1')).status).toBe(200);
  });

  it('should move links and revisions before any tag, so a tag never arrives before what it names', async () => {
    const storage = new RecordingStorage();
    const registry = createRegistry({ storage });
    for (const tag of ['v1', 'v2', 'v3']) await pushImage(registry.app, 'team/app', tag);
    await registry.management.renameRepository('team/app', 'other/app', {}, { acrossNamespaces: true });
    const firstTag = storage.moved.findIndex((p) => p.includes('/_manifests/tags/'));
    const lastNeeded = Math.max(
      ...storage.moved.map((p, i) => (p.includes('/_layers/') || p.includes('/_manifests/revisions/') ? i : -1)),
    );
    expect(firstTag).toBeGreaterThan(0);
    expect(lastNeeded).toBeLessThan(firstTag);
  });
});
