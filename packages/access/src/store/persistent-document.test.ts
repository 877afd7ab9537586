import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessError } from '../model/access-error.js';
import { openJsonTestStore, tempDirs } from '../test-support.js';
import { AccessStore } from './access-store.js';

const tempDir = tempDirs();

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not spawn node');
  return child.pid;
}

describe('store persistence', () => {
  it('should keep data across reopen, with a revision per write', async () => {
    const dir = await tempDir();
    const a = await openJsonTestStore(dir);
    await a.createUser({ username: 'alice' });
    await a.createGroup({ path: 'team' });
    const b = await openJsonTestStore(dir);
    expect((await b.listUsers()).map((u) => u.username)).toEqual(['alice']);
    expect((await b.state()).revision).toBe(2);
    const doc = JSON.parse(await readFile(join(dir, 'access.json'), 'utf8'));
    expect(doc).toMatchObject({ format: 'wharf-access/1', revision: 2 });
  });

  it('should lose nothing when two instances on one directory write concurrently', async () => {
    const dir = await tempDir();
    const [a, b] = await Promise.all([openJsonTestStore(dir), openJsonTestStore(dir)]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).createUser({ username: `user${i}` })));
    for (const store of [a, b]) {
      const users = await store.listUsers();
      expect(users).toHaveLength(50);
      expect(new Set(users.map((u) => u.username)).size).toBe(50);
      expect((await store.state()).revision).toBe(50);
    }
    expect((await readdir(dir)).sort()).toEqual(['access.json']);
  });

  it("should see another instance's writes on the next read, and reuse its cache when nothing changed", async () => {
    const dir = await tempDir();
    const a = await openJsonTestStore(dir);
    const b = await openJsonTestStore(dir);
    const before = await b.state();
    expect(await b.state()).toBe(before);
    await a.createUser({ username: 'alice' });
    const after = await b.state();
    expect(after).not.toBe(before);
    expect(after.userByName('alice')).toBeDefined();
  });

  it('should recover from a crash mid-write: a stale lock of a dead process and a leftover temp file', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice' });
    await writeFile(
      join(dir, 'access.json.lock'),
      JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead', createdAt: Date.now() }),
    );
    await writeFile(join(dir, 'access.json.4242.abcdef.tmp'), '{"format":"wharf-access/1","revision":9,"us');

    const reopened = await openJsonTestStore(dir, { lock: { timeoutMs: 2_000 } });
    expect((await reopened.listUsers()).map((u) => u.username)).toEqual(['alice']);
    await reopened.createUser({ username: 'bob' });
    expect((await reopened.listUsers()).map((u) => u.username)).toEqual(['alice', 'bob']);
    expect((await readdir(dir)).sort()).toEqual(['access.json']);
  });

  it('should wait for a live lock and give up with LOCKED after the timeout', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir, { lock: { timeoutMs: 300 } });
    await writeFile(
      join(dir, 'access.json.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'live', createdAt: Date.now() }),
    );
    const error = await store.createUser({ username: 'alice' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessError);
    expect(error).toMatchObject({ code: 'LOCKED', message: expect.stringMatching(new RegExp(`locked by process ${process.pid}`)) });
    expect(await store.listUsers()).toEqual([]);
  });

  it('should refuse to open a file that is not JSON, leaving it untouched', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'access.json'), 'not json at all');
    const error = await AccessStore.open(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/access\.json is not valid JSON.*never resets/) });
    expect(await readFile(join(dir, 'access.json'), 'utf8')).toBe('not json at all');
  });

  it('should refuse a document that breaks the schema, naming the field', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice' });
    const doc = JSON.parse(await readFile(join(dir, 'access.json'), 'utf8'));
    const id = Object.keys(doc.users)[0] as string;
    doc.users[id].admin = 'yes';
    await writeFile(join(dir, 'access.json'), JSON.stringify(doc));
    await expect(AccessStore.open(dir)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining(`users.${id}.admin`) });
    // A store already open refuses too, and does not overwrite the file.
    await expect(store.createUser({ username: 'bob' })).rejects.toMatchObject({ code: 'CORRUPT' });
    await expect(store.listUsers()).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(JSON.parse(await readFile(join(dir, 'access.json'), 'utf8')).users[id].admin).toBe('yes');
  });

  it('should refuse a document of another format version', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'access.json'), JSON.stringify({ format: 'wharf-access/9' }));
    await expect(AccessStore.open(dir)).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(/format "wharf-access\/9"/),
    });
  });

  it('should persist nothing when a change is refused', async () => {
    const dir = await tempDir();
    const store = await openJsonTestStore(dir);
    await store.createUser({ username: 'alice' });
    await expect(store.createUser({ username: 'alice' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.state()).revision).toBe(1);
  });
});
