/**
 * Conformance cases for resumable writers: size, append across close/reopen, invisibility of
 * uncommitted content, commit, cancel.
 * @module
 */
import { expect } from 'vitest';
import { decode, expectBytes, expectInvisible, expectNotFound, listSorted, pattern, readAll, text, type ConformanceCase } from './helpers.js';

export const writerCases: readonly ConformanceCase[] = [
  {
    name: 'should commit written chunks and report the size as it grows',
    async run({ driver, path, prefix }) {
      const writer = await driver.writer(path('file'));
      expect(writer.size).toBe(0);
      await writer.write(text('hello'));
      expect(writer.size).toBe(5);
      await writer.write(text(', '));
      await writer.write(text('world'));
      expect(writer.size).toBe(12);
      await writer.commit();
      expect(decode(await driver.getContent(path('file')))).toBe('hello, world');
      expect((await driver.stat(path('file'))).size).toBe(12);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should commit a writer with nothing written as an empty file',
    async run({ driver, path, prefix }) {
      const writer = await driver.writer(path('empty'));
      await writer.commit();
      expect((await driver.getContent(path('empty'))).byteLength).toBe(0);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should append across several close and reopen cycles',
    async run({ driver, path, prefix }) {
      const data = pattern(700_000, 3);
      // Odd chunk sizes, tiny and large, so buffering drivers cross their internal boundaries.
      const cuts = [0, 1, 2, 100, 65_537, 65_600, 300_000, 300_001, 512_000, 699_999, 700_000];
      for (let i = 0; i + 1 < cuts.length; i += 2) {
        const writer = await driver.writer(path('upload'), { append: true });
        expect(writer.size, `size when reopening at cycle ${i / 2}`).toBe(cuts[i]);
        await writer.write(data.subarray(cuts[i], cuts[i + 1]));
        await writer.write(data.subarray(cuts[i + 1], cuts[i + 2]));
        expect(writer.size).toBe(cuts[i + 2]);
        if (i + 3 < cuts.length) await writer.close();
        else await writer.commit();
      }
      expectBytes(await driver.getContent(path('upload')), data);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should keep uncommitted content invisible, while writing and after close',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('visible'), text('x'));
      const pending = await driver.writer(path('pending'));
      const nested = await driver.writer(path('sub', 'dir', 'file'));
      await pending.write(text('not yet'));
      await nested.write(text('not yet'));
      const check = async () => {
        await expectInvisible(driver, path('pending'));
        await expectInvisible(driver, path('sub', 'dir', 'file'));
        await expectNotFound(driver.stat(path('sub')));
        await expectNotFound(driver.list(path('sub')));
        expect(await driver.list(prefix)).toEqual([path('visible')]);
      };
      await check();
      await pending.close();
      await nested.close();
      await check();
      const resumed = await driver.writer(path('pending'), { append: true });
      await resumed.write(text('!'));
      await check();
      await resumed.commit();
      expect(decode(await driver.getContent(path('pending')))).toBe('not yet!');
      await (await driver.writer(path('sub', 'dir', 'file'), { append: true })).cancel();
      await driver.delete(prefix);
    },
  },
  {
    name: 'should read back uncommitted content after close, and nothing once cancelled',
    async run({ driver, path, prefix }) {
      const data = pattern(300_000, 7);
      const writer = await driver.writer(path('upload'));
      await writer.write(data.subarray(0, 100_000));
      await writer.write(data.subarray(100_000));
      await writer.close();
      expectBytes(await readAll(await driver.reader(path('upload'), 0, { uncommitted: true })), data);
      expectBytes(await readAll(await driver.reader(path('upload'), 250_000, { uncommitted: true })), data.subarray(250_000));
      await expectInvisible(driver, path('upload'));
      const resumed = await driver.writer(path('upload'), { append: true });
      await resumed.cancel();
      await expectNotFound(driver.reader(path('upload'), 0, { uncommitted: true }));
      await expectNotFound(driver.reader(path('never'), 0, { uncommitted: true }));
      await driver.delete(prefix).catch(() => {});
    },
  },
  {
    name: 'should keep the old content until commit replaces it',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('old'));
      const writer = await driver.writer(path('file'));
      await writer.write(text('new content'));
      expect(decode(await driver.getContent(path('file')))).toBe('old');
      await writer.close();
      expect(decode(await readAll(await driver.reader(path('file'))))).toBe('old');
      const resumed = await driver.writer(path('file'), { append: true });
      expect(resumed.size).toBe(11);
      await resumed.commit();
      expect(decode(await driver.getContent(path('file')))).toBe('new content');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should make cancel idempotent and leave nothing behind',
    async run({ driver, path, prefix }) {
      const writer = await driver.writer(path('dir', 'file'));
      await writer.write(text('discard me'));
      await writer.cancel();
      await writer.cancel();
      await expectInvisible(driver, path('dir', 'file'));
      const closed = await driver.writer(path('dir', 'file'), { append: true });
      expect(closed.size).toBe(0);
      await closed.write(text('and me'));
      await closed.close();
      await closed.cancel();
      await closed.cancel();
      const after = await driver.writer(path('dir', 'file'), { append: true });
      expect(after.size).toBe(0);
      await after.cancel();
      await expectNotFound(driver.stat(prefix));
    },
  },
  {
    name: 'should leave committed content alone when cancel follows commit',
    async run({ driver, path, prefix }) {
      const writer = await driver.writer(path('file'));
      await writer.write(text('kept'));
      await writer.commit();
      await writer.cancel();
      expect(decode(await driver.getContent(path('file')))).toBe('kept');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should discard earlier partial content when a writer opens without append',
    async run({ driver, path, prefix }) {
      const first = await driver.writer(path('file'));
      await first.write(text('stale partial'));
      await first.close();
      const fresh = await driver.writer(path('file'));
      expect(fresh.size).toBe(0);
      await fresh.write(text('fresh'));
      await fresh.commit();
      expect(decode(await driver.getContent(path('file')))).toBe('fresh');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should start empty when appending to a path with nothing left',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('committed'), text('committed content is not partial'));
      const onCommitted = await driver.writer(path('committed'), { append: true });
      expect(onCommitted.size).toBe(0);
      await onCommitted.cancel();
      const onNothing = await driver.writer(path('nothing'), { append: true });
      expect(onNothing.size).toBe(0);
      await onNothing.write(text('x'));
      await onNothing.commit();
      expect(await listSorted(driver, prefix)).toEqual([path('committed'), path('nothing')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should keep written content when the caller reuses its buffer after write',
    async run({ driver, path, prefix }) {
      const buffer = new Uint8Array(4);
      const writer = await driver.writer(path('file'));
      for (const letter of 'abc') {
        buffer.fill(letter.charCodeAt(0));
        await writer.write(buffer);
      }
      await writer.commit();
      expect(decode(await driver.getContent(path('file')))).toBe('aaaabbbbcccc');
      await driver.delete(prefix);
    },
  },
];
