import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';
import { TagRecordCache } from './tag-record-cache.js';

function setup() {
  const storage = new MemoryStorage();
  let now = 0;
  const registry = createRegistry({ storage });
  // A second registry on the same storage: another server process.
  const other = createRegistry({ storage });
  const cache = new TagRecordCache(registry.api, { maxAgeMs: 10_000, capacity: 2, now: () => now });
  const names = async (repository: string) => (await cache.records(repository)).map((t) => t.name);
  return { registry, other, cache, names, advance: (ms: number) => void (now += ms) };
}

describe('the tag record cache', () => {
  it('should see a push or delete made through this process at once', async () => {
    const { registry, names } = setup();
    await pushImage(registry.app, 'team/app', 'v1');
    expect(await names('team/app')).toEqual(['v1']);
    await pushImage(registry.app, 'team/app', 'v2');
    expect(await names('team/app')).toEqual(['v1', 'v2']);
    await registry.api.deleteManifest('team/app', { tag: 'v1' });
    expect(await names('team/app')).toEqual(['v2']);
  });

  it('should see another process’s push once its records are older than maxAgeMs', async () => {
    const { registry, other, names, advance } = setup();
    await pushImage(registry.app, 'team/app', 'v1');
    expect(await names('team/app')).toEqual(['v1']);
    await pushImage(other.app, 'team/app', 'v2');
    expect(await names('team/app')).toEqual(['v1']);
    advance(10_000);
    expect(await names('team/app')).toEqual(['v1', 'v2']);
  });

  it('should keep only the repositories looked at last, and not keep a failed read', async () => {
    const { registry, other, names } = setup();
    for (const name of ['a/one', 'a/two', 'a/three']) await pushImage(registry.app, name, 'v1');
    await names('a/one');
    await names('a/two');
    await names('a/three'); // a/one falls out
    await pushImage(other.app, 'a/one', 'v2');
    expect(await names('a/one')).toEqual(['v1', 'v2']);
    await expect(names('a/missing')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await pushImage(other.app, 'a/missing', 'v1');
    expect(await names('a/missing')).toEqual(['v1']);
  });
});
