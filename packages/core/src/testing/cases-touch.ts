/**
 * Conformance cases for modification times as garbage collection relies on them: `touch` sets
 * a file's `modTime` to now without changing anything else, and `move` keeps it.
 *
 * Remote stores stamp times with a one-second resolution, so the cases that compare times
 * wait just over a second between the write and the change they observe.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { decode, expectNotFound, listSorted, text, type ConformanceCase } from './helpers.js';

const PAST_ONE_SECOND = 1_100;
const MINUTE = 60_000;

export const touchCases: readonly ConformanceCase[] = [
  {
    name: 'should touch a file to a later modTime, keeping its content, size and siblings',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dir', 'file'), text('12345'));
      await driver.putContent(path('dir', 'other'), text('x'));
      const before = await driver.stat(path('dir', 'file'));
      const otherBefore = await driver.stat(path('dir', 'other'));
      await sleep(PAST_ONE_SECOND);
      await driver.touch(path('dir', 'file'));
      const after = await driver.stat(path('dir', 'file'));
      expect(after.modTime.getTime()).toBeGreaterThan(before.modTime.getTime());
      expect(Math.abs(after.modTime.getTime() - Date.now())).toBeLessThan(10 * MINUTE);
      expect(after).toMatchObject({ size: 5, isDir: false });
      expect(decode(await driver.getContent(path('dir', 'file')))).toBe('12345');
      expect((await driver.stat(path('dir', 'other'))).modTime.getTime()).toBe(otherBefore.modTime.getTime());
      expect(await listSorted(driver, path('dir'))).toEqual([path('dir', 'file'), path('dir', 'other')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should keep the modTime of a file it moves',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('a', 'file'), text('moved'));
      const before = await driver.stat(path('a', 'file'));
      await sleep(PAST_ONE_SECOND);
      await driver.move(path('a', 'file'), path('b', 'c', 'file'));
      const after = await driver.stat(path('b', 'c', 'file'));
      expect(after.modTime.getTime()).toBe(before.modTime.getTime());
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject touch of a missing file, a directory or unfinished writer content with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.touch(path('missing')));
      await driver.putContent(path('dir', 'file'), text('x'));
      await expectNotFound(driver.touch(path('dir')));
      await expectNotFound(driver.touch(path('dir', 'file', 'beneath')));
      const writer = await driver.writer(path('partial'));
      await writer.write(text('not yet'));
      await writer.close();
      await expectNotFound(driver.touch(path('partial')));
      await expectNotFound(driver.stat(path('partial')));
      await (await driver.writer(path('partial'), { append: true })).cancel();
      expect(await driver.list(prefix)).toEqual([path('dir')]);
      await driver.delete(prefix);
    },
  },
  {
    name: "should reject touch with the signal's reason when the signal is already aborted",
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('x'));
      const before = await driver.stat(path('file'));
      const reason = new Error('aborted by the test');
      await expect(driver.touch(path('file'), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect((await driver.stat(path('file'))).modTime.getTime()).toBe(before.modTime.getTime());
      await driver.delete(prefix);
    },
  },
];
