import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonTestStore, tempDirs } from '../test-support.js';
import { FileLock } from './file-lock.js';

const tempDir = tempDirs();
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('access store: private files', () => {
  it('should create its directory 0700 and access.json 0600', async () => {
    const root = await tempDir();
    const dir = join(root, 'data', 'access');
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice', password: 'password-123' });
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'access.json'))).toBe(0o600);
    // Only the store's own directory is private: the data directory may serve other things.
    await mkdir(join(root, 'reference'));
    expect(await modeOf(join(root, 'data'))).toBe(await modeOf(join(root, 'reference')));
    // No lock or temp file is left beside it.
    expect(await readdir(dir)).toEqual(['access.json']);
  });

  it('should tighten a directory and document an older version left readable by others', async () => {
    const dir = join(await tempDir(), 'access');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    const first = await openJsonTestStore(dir);
    await first.createUser({ username: 'alice' });
    await chmod(join(dir, 'access.json'), 0o644);
    await chmod(dir, 0o755);
    await openJsonTestStore(dir);
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'access.json'))).toBe(0o600);
  });

  it('should keep a rewritten document at 0600 whatever mode the previous one had', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice' });
    await chmod(join(dir, 'access.json'), 0o644);
    await store.createUser({ username: 'bob' });
    expect(await modeOf(join(dir, 'access.json'))).toBe(0o600);
  });

  it('should create its lock file 0600', async () => {
    const path = join(await tempDir(), 'access.json.lock');
    const lock = await FileLock.acquire(path);
    try {
      expect(await modeOf(path)).toBe(0o600);
    } finally {
      await lock.release();
    }
  });

  it('should refuse a change that the file could not hold as INVALID, writing nothing', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice' });
    const error = await store
      .update((doc) => {
        doc.counters.deployTokens = -1;
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/counters\.deployTokens/) });
    expect((await store.state()).revision).toBe(1);
  });
});
