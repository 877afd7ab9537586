import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFile, RELOAD_CHECK_MS } from './key-file.js';

describe('KeyFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-keyfile-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create the key file with mode 0600 and load the same ring next time', async () => {
    const path = join(dir, 'auth', 'keys.json');
    const first = await KeyFile.open(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = await KeyFile.open(path);
    expect(again.ring.current.kid).toBe(first.ring.current.kid);
  });

  it('should create its directory with mode 0700 and keep temp files and rotations at 0600', async () => {
    const path = join(dir, 'data', 'auth', 'keys.json');
    const file = await KeyFile.open(path);
    expect((await stat(join(dir, 'data', 'auth'))).mode & 0o777).toBe(0o700);
    await file.rotate();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'data', 'auth'))).toEqual(['keys.json']);
  });

  it('should tighten an existing key file that others could read to 0600', async () => {
    const path = join(dir, 'keys.json');
    await KeyFile.open(path);
    await chmod(path, 0o644);
    await KeyFile.open(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('should end with one ring when several processes create the file at once', async () => {
    const path = join(dir, 'keys.json');
    const files = await Promise.all(Array.from({ length: 8 }, () => KeyFile.open(path)));
    const kids = new Set(files.map((f) => f.ring.current.kid));
    expect(kids.size).toBe(1);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { keys: { kid: string }[] };
    expect(stored.keys.map((k) => k.kid)).toEqual([...kids]);
  });

  it('should see a rotation made by another process at the next refresh', async () => {
    const path = join(dir, 'keys.json');
    const server = await KeyFile.open(path);
    const admin = await KeyFile.open(path);
    const kid = await admin.rotate();
    await server.refresh(Date.now() + RELOAD_CHECK_MS + 1);
    expect(server.ring.current.kid).toBe(kid);
    expect(server.ring.publicKeys).toHaveLength(2);
  });

  it('should refuse a corrupt key file with a message saying what to do', async () => {
    const path = join(dir, 'keys.json');
    await writeFile(path, '{ not json');
    await expect(KeyFile.open(path)).rejects.toThrow(/not valid JSON; restore it from a backup or delete it/);
  });
});
