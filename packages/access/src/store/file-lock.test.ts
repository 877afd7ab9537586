import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../test-support.js';
import { FileLock, isPidAlive } from './file-lock.js';

const tempDir = tempDirs();

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('FileLock', () => {
  it('should hold the lock exclusively until released', async () => {
    const path = join(await tempDir(), 'x.lock');
    const first = await FileLock.acquire(path);
    let secondTaken = false;
    const second = FileLock.acquire(path).then((lock) => {
      secondTaken = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(secondTaken).toBe(false);
    await first.release();
    const lock = await second;
    expect(await lock.verify()).toBe(true);
    await lock.release();
    expect(await exists(path)).toBe(false);
  });

  it('should break a lock older than staleMs even when its pid is alive', async () => {
    const path = join(await tempDir(), 'x.lock');
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'old', createdAt: 0 }));
    const past = new Date(Date.now() - 60_000);
    await utimes(path, past, past);
    const lock = await FileLock.acquire(path, { timeoutMs: 1_000, staleMs: 30_000 });
    expect(JSON.parse(await readFile(path, 'utf8')).nonce).not.toBe('old');
    await lock.release();
  });

  it('should break an empty lock file left by a holder that died before writing it', async () => {
    const path = join(await tempDir(), 'x.lock');
    await writeFile(path, '');
    const past = new Date(Date.now() - 10_000);
    await utimes(path, past, past);
    const lock = await FileLock.acquire(path, { timeoutMs: 1_000 });
    await lock.release();
  });

  it('should not release a lock that was broken and taken by someone else', async () => {
    const path = join(await tempDir(), 'x.lock');
    const lock = await FileLock.acquire(path);
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'other', createdAt: Date.now() }));
    expect(await lock.verify()).toBe(false);
    await lock.release();
    expect(JSON.parse(await readFile(path, 'utf8')).nonce).toBe('other');
  });

  it('should tell live pids from dead ones', () => {
    expect(isPidAlive(process.pid)).toBe(true);
    expect(isPidAlive(2 ** 22 + 12345)).toBe(false);
  });
});
