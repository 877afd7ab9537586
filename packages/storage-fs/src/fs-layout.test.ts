import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidPathError, PathNotFoundError, StorageError } from '@wharf/core/storage';
import { FsStorage } from './fs-storage.js';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('FsStorage on disk', () => {
  let root: string;
  let storage: FsStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'wharf-fs-layout-'));
    storage = new FsStorage({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should keep writer bytes in <target>#partial until commit renames it into place', async () => {
    const writer = await storage.writer('/up/data');
    await writer.write(text('abc'));
    await writer.close();
    expect(await readdir(join(root, 'up'))).toEqual(['data#partial']);
    expect(await readFile(join(root, 'up', 'data#partial'), 'utf8')).toBe('abc');
    const resumed = await storage.writer('/up/data', { append: true });
    await resumed.write(text('def'));
    await resumed.commit();
    expect(await readdir(join(root, 'up'))).toEqual(['data']);
    expect(await readFile(join(root, 'up', 'data'), 'utf8')).toBe('abcdef');
  });

  it('should commit every byte of a write larger than the background-sync interval, mixed chunk sizes included', async () => {
    // 40 MiB crosses the 32 MiB mark where a background fdatasync starts while writes go on.
    const expected = createHash('sha256');
    const writer = await storage.writer('/big/data');
    let written = 0;
    for (let i = 0; written < 40 << 20; i++) {
      const chunk = randomBytes(i % 3 === 0 ? 1 << 20 : 48 << 10);
      await writer.write(chunk);
      expected.update(chunk);
      written += chunk.byteLength;
    }
    await writer.commit();
    const stored = await readFile(join(root, 'big', 'data'));
    expect(stored.byteLength).toBe(written);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(expected.digest('hex'));
  });

  it('should resume a closed upload from another instance on the same root', async () => {
    const first = await storage.writer('/up/data');
    await first.write(text('from process one;'));
    await first.close();
    const other = new FsStorage({ root });
    const second = await other.writer('/up/data', { append: true });
    expect(second.size).toBe(17);
    await second.write(text('two'));
    await second.commit();
    expect(decode(await storage.getContent('/up/data'))).toBe('from process one;two');
  });

  it('should leave no temp file beside the target after putContent', async () => {
    await storage.putContent('/a/b', text('1'));
    await storage.putContent('/a/b', text('2'));
    expect(await readdir(join(root, 'a'))).toEqual(['b']);
  });

  it('should hide files a crash left behind, and directories holding only those', async () => {
    await storage.putContent('/repo/tag', text('v1'));
    await writeFile(join(root, 'repo', 'tag#tmp-0123456789ab'), 'torn write');
    await mkdir(join(root, 'repo', 'upload'), { recursive: true });
    await writeFile(join(root, 'repo', 'upload', 'data#partial'), 'half an upload');
    await mkdir(join(root, 'repo', 'empty', 'nested'), { recursive: true });
    expect(await storage.list('/repo')).toEqual(['/repo/tag']);
    expect(decode(await storage.getContent('/repo/tag'))).toBe('v1');
    await expect(storage.stat('/repo/upload')).rejects.toBeInstanceOf(PathNotFoundError);
    await expect(storage.list('/repo/empty')).rejects.toBeInstanceOf(PathNotFoundError);
    await expect(storage.delete('/repo/empty')).rejects.toBeInstanceOf(PathNotFoundError);
    await storage.delete('/repo');
    expect(await readdir(root)).toEqual([]);
  });

  it('should remove emptied directories on disk after delete, move and cancel, but keep the root', async () => {
    await storage.putContent('/a/b/c/file', text('x'));
    await storage.move('/a/b/c/file', '/d/e/file');
    expect(await readdir(root)).toEqual(['d']);
    await storage.delete('/d/e/file');
    const writer = await storage.writer('/w/x/y');
    await writer.cancel();
    expect(await readdir(root)).toEqual([]);
  });

  it('should list an empty store whose root does not exist yet', async () => {
    const fresh = new FsStorage({ root: join(root, 'not', 'yet') });
    expect(await fresh.list('/')).toEqual([]);
    await fresh.putContent('/file', text('x'));
    expect(await fresh.list('/')).toEqual(['/file']);
  });

  it('should refuse paths that could escape the root, even unguarded', async () => {
    for (const path of ['/../outside', '/a/../../b', 'relative', '/a/./b']) {
      await expect(storage.putContent(path, text('x'))).rejects.toBeInstanceOf(InvalidPathError);
      await expect(storage.getContent(path)).rejects.toBeInstanceOf(InvalidPathError);
    }
  });

  it('should reject a file stored beneath a file, or over a directory, as a StorageError', async () => {
    await storage.putContent('/file', text('x'));
    await storage.putContent('/dir/child', text('x'));
    await expect(storage.putContent('/file/child', text('y'))).rejects.toBeInstanceOf(StorageError);
    await expect(storage.putContent('/dir', text('y'))).rejects.toBeInstanceOf(StorageError);
    const writer = await storage.writer('/dir');
    await writer.write(text('y'));
    await expect(writer.commit()).rejects.toBeInstanceOf(StorageError);
    await writer.cancel();
    expect((await storage.list('/')).sort()).toEqual(['/dir', '/file']);
    expect(await readdir(join(root, 'dir'))).toEqual(['child']);
  });

  it('should work the same with fsync turned off', async () => {
    const fast = new FsStorage({ root, fsync: false });
    await fast.putContent('/a', text('put'));
    const writer = await fast.writer('/b');
    await writer.write(text('written'));
    await writer.close();
    await (await fast.writer('/b', { append: true })).commit();
    expect(decode(await fast.getContent('/a'))).toBe('put');
    expect(decode(await fast.getContent('/b'))).toBe('written');
  });
});
