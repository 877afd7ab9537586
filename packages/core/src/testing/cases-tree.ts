/**
 * Conformance cases for the directory side of a driver: `stat`, `list`, `move`, `delete`,
 * and implicit directories that vanish with their last file.
 * @module
 */
import { expect } from 'vitest';
import { decode, expectNotFound, listSorted, text, type ConformanceCase } from './helpers.js';

const MINUTE = 60_000;

export const statCases: readonly ConformanceCase[] = [
  {
    name: 'should stat a file with its size, modTime and isDir false',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('12345'));
      const info = await driver.stat(path('file'));
      expect(info).toMatchObject({ path: path('file'), size: 5, isDir: false });
      expect(info.modTime).toBeInstanceOf(Date);
      // Generous: remote stores stamp times with their own clock.
      expect(Math.abs(info.modTime.getTime() - Date.now())).toBeLessThan(10 * MINUTE);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should stat a directory as isDir with size 0 and a modTime not before its content',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dir', 'nested', 'file'), text('12345'));
      const file = await driver.stat(path('dir', 'nested', 'file'));
      for (const dir of [prefix, path('dir'), path('dir', 'nested')]) {
        const info = await driver.stat(dir);
        expect(info).toMatchObject({ path: dir, size: 0, isDir: true });
        expect(info.modTime.getTime()).toBeGreaterThanOrEqual(file.modTime.getTime());
      }
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject stat of a missing path with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.stat(path('missing')));
      await driver.putContent(path('file'), text('x'));
      await expectNotFound(driver.stat(path('file', 'beneath')));
      await expectNotFound(driver.stat(path('fil')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should stat a file asked about with fileOnly as usual, and a missing one as not found',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dir', 'file'), text('123'));
      expect(await driver.stat(path('dir', 'file'), { fileOnly: true })).toMatchObject({ path: path('dir', 'file'), size: 3, isDir: false });
      await expectNotFound(driver.stat(path('dir', 'missing'), { fileOnly: true }));
      // A directory may be either; if it is found, it is found as a directory.
      const dir = await driver.stat(path('dir'), { fileOnly: true }).catch(() => null);
      if (dir) expect(dir.isDir).toBe(true);
      await driver.delete(prefix);
    },
  },
];

export const listCases: readonly ConformanceCase[] = [
  {
    name: 'should list / with the top-level directories',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('a', 'b'), text('x'));
      const root = await driver.list('/');
      expect(root).toContain(prefix);
      expect(root).not.toContain(path('a'));
      expect(root.every((p) => /^\/[^/]+$/.test(p))).toBe(true);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should list the root of an empty store as []',
    async run({ fresh }) {
      expect(await (await fresh()).list('/')).toEqual([]);
    },
  },
  {
    name: 'should list the direct children of nested directories as full paths',
    async run({ driver, path, prefix }) {
      for (const p of [['f1'], ['d1', 'f2'], ['d1', 'd2', 'f3'], ['d1', 'd2', 'f4'], ['d3', 'd4', 'd5', 'f5']]) {
        await driver.putContent(path(...p), text(p.join('/')));
      }
      expect(await listSorted(driver, prefix)).toEqual([path('d1'), path('d3'), path('f1')]);
      expect(await listSorted(driver, path('d1'))).toEqual([path('d1', 'd2'), path('d1', 'f2')]);
      expect(await listSorted(driver, path('d1', 'd2'))).toEqual([path('d1', 'd2', 'f3'), path('d1', 'd2', 'f4')]);
      expect(await listSorted(driver, path('d3'))).toEqual([path('d3', 'd4')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject list of a missing directory or a file with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.list(prefix));
      await driver.putContent(path('file'), text('x'));
      await expectNotFound(driver.list(path('missing')));
      await expectNotFound(driver.list(path('file')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should never list empty directories or uncommitted files',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('keep'), text('x'));
      await driver.putContent(path('gone', 'deep', 'file'), text('x'));
      await driver.delete(path('gone', 'deep', 'file'));
      const closed = await driver.writer(path('partial', 'file'));
      await closed.write(text('partial'));
      await closed.close();
      const open = await driver.writer(path('open'));
      await open.write(text('open'));
      const cancelled = await driver.writer(path('cancelled', 'file'));
      await cancelled.write(text('cancelled'));
      await cancelled.cancel();
      expect(await driver.list(prefix)).toEqual([path('keep')]);
      await open.cancel();
      await (await driver.writer(path('partial', 'file'), { append: true })).cancel();
      await driver.delete(prefix);
    },
  },
];

export const moveCases: readonly ConformanceCase[] = [
  {
    name: 'should move a file and remove the source',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('src'), text('moved'));
      await driver.move(path('src'), path('dest'));
      expect(decode(await driver.getContent(path('dest')))).toBe('moved');
      await expectNotFound(driver.getContent(path('src')));
      expect(await driver.list(prefix)).toEqual([path('dest')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should replace the destination when moving over an existing file',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('src'), text('new'));
      await driver.putContent(path('dest'), text('old and longer'));
      await driver.move(path('src'), path('dest'));
      expect(decode(await driver.getContent(path('dest')))).toBe('new');
      expect((await driver.stat(path('dest'))).size).toBe(3);
      await expectNotFound(driver.stat(path('src')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should create the destination directories and drop emptied source directories on move',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('from', 'deep', 'file'), text('x'));
      await driver.move(path('from', 'deep', 'file'), path('to', 'new', 'dirs', 'file'));
      expect(decode(await driver.getContent(path('to', 'new', 'dirs', 'file')))).toBe('x');
      expect(await driver.list(prefix)).toEqual([path('to')]);
      await expectNotFound(driver.stat(path('from')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject move of a missing source with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dest'), text('untouched'));
      await expectNotFound(driver.move(path('missing'), path('dest')));
      await expectNotFound(driver.move(path('missing'), path('new', 'dest')));
      expect(decode(await driver.getContent(path('dest')))).toBe('untouched');
      expect(await driver.list(prefix)).toEqual([path('dest')]);
      await driver.delete(prefix);
    },
  },
];

export const deleteCases: readonly ConformanceCase[] = [
  {
    name: 'should delete a file',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('x'));
      await driver.putContent(path('other'), text('y'));
      await driver.delete(path('file'));
      await expectNotFound(driver.getContent(path('file')));
      expect(await driver.list(prefix)).toEqual([path('other')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should delete a directory with everything beneath it',
    async run({ driver, path, prefix }) {
      for (const p of [['d', 'f1'], ['d', 'e', 'f2'], ['d', 'e', 'g', 'f3']]) await driver.putContent(path(...p), text('x'));
      await driver.putContent(path('kept'), text('x'));
      await driver.delete(path('d'));
      await expectNotFound(driver.stat(path('d')));
      await expectNotFound(driver.getContent(path('d', 'e', 'g', 'f3')));
      expect(await driver.list(prefix)).toEqual([path('kept')]);
      await driver.delete(prefix);
      await expectNotFound(driver.stat(prefix));
    },
  },
  {
    name: 'should reject delete of a missing path with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.delete(prefix));
      await driver.putContent(path('file'), text('x'));
      await expectNotFound(driver.delete(path('missing')));
      await expectNotFound(driver.delete(path('file', 'beneath')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should stop listing parents that became empty after delete',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('kept'), text('x'));
      await driver.putContent(path('a', 'b', 'c', 'file'), text('x'));
      await driver.delete(path('a', 'b', 'c', 'file'));
      expect(await driver.list(prefix)).toEqual([path('kept')]);
      for (const dir of [path('a'), path('a', 'b'), path('a', 'b', 'c')]) {
        await expectNotFound(driver.stat(dir));
        await expectNotFound(driver.list(dir));
      }
      await driver.delete(prefix);
    },
  },
  {
    name: 'should not delete siblings that share a name prefix',
    async run({ driver, path, prefix }) {
      for (const name of ['ab', 'abc', 'ab.d', 'ab-e']) await driver.putContent(path(name, 'file'), text(name));
      await driver.putContent(path('abfile'), text('x'));
      await driver.delete(path('ab'));
      expect(await listSorted(driver, prefix)).toEqual([path('ab-e'), path('ab.d'), path('abc'), path('abfile')]);
      await driver.delete(prefix);
    },
  },
];
