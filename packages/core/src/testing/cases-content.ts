/**
 * Conformance cases for whole-file access (`getContent`, `putContent`) and the streaming
 * `reader`, including a large streamed round trip.
 * @module
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import {
  decode,
  expectBytes,
  expectInvalidOffset,
  expectNotFound,
  pattern,
  readAll,
  sha256,
  text,
  type ConformanceCase,
} from './helpers.js';

const MiB = 1 << 20;

export const contentCases: readonly ConformanceCase[] = [
  {
    name: 'should return what putContent stored',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('hello, wharf'));
      expect(decode(await driver.getContent(path('file')))).toBe('hello, wharf');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should store and list a volatile putContent like any other',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dir/state'), text('{"a":1}'), { volatile: true });
      await driver.putContent(path('dir/state'), text('{"a":2}'), { volatile: true });
      expect(decode(await driver.getContent(path('dir/state')))).toBe('{"a":2}');
      expect(await driver.list(path('dir'))).toEqual([path('dir/state')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should replace the content when putContent overwrites a file',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('a much longer first version'));
      await driver.putContent(path('file'), text('short'));
      expect(decode(await driver.getContent(path('file')))).toBe('short');
      expect((await driver.stat(path('file'))).size).toBe(5);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should store and read back an empty file',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('empty'), new Uint8Array(0));
      expect((await driver.getContent(path('empty'))).byteLength).toBe(0);
      expect((await readAll(await driver.reader(path('empty')))).byteLength).toBe(0);
      expect(await driver.stat(path('empty'))).toMatchObject({ size: 0, isDir: false });
      expect(await driver.list(prefix)).toEqual([path('empty')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should store binary data byte for byte',
    async run({ driver, path, prefix }) {
      const all = Uint8Array.from({ length: 512 }, (_, i) => (i < 256 ? i : 511 - i));
      await driver.putContent(path('bin'), all);
      expectBytes(await driver.getContent(path('bin')), all);
      expectBytes(await readAll(await driver.reader(path('bin'))), all);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should keep stored content when the caller later changes its buffer',
    async run({ driver, path, prefix }) {
      const buffer = text('original');
      await driver.putContent(path('file'), buffer);
      buffer.fill(0x21);
      expect(decode(await driver.getContent(path('file')))).toBe('original');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject getContent of a missing path with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.getContent(path('nothing', 'here')));
      await driver.putContent(path('present'), text('x'));
      await expectNotFound(driver.getContent(path('absent')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject getContent of a directory with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('dir', 'file'), text('x'));
      await expectNotFound(driver.getContent(path('dir')));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should stream a 20 MiB write and read it back intact',
    async run({ driver, path, prefix }) {
      const size = 20 * MiB + 12_345;
      const source = pattern(3 * MiB, 7);
      // One buffer reused for every write: the driver must be done with a chunk once write() resolves.
      const buffer = new Uint8Array(MiB + 4099);
      const writer = await driver.writer(path('big'));
      const hash = createHash('sha256');
      for (let at = 0, n = 0; at < size; n++) {
        const length = Math.min(size - at, [MiB + 4099, 65_536, 17, 300_001][n % 4]!);
        const chunk = buffer.subarray(0, length);
        chunk.set(source.subarray(at % MiB, (at % MiB) + length));
        hash.update(chunk);
        await writer.write(chunk);
        at += length;
        expect(writer.size).toBe(at);
      }
      await writer.commit();
      const whole = hash.digest('hex');
      expect((await driver.stat(path('big'))).size).toBe(size);
      const read = await readAll(await driver.reader(path('big')));
      expect(read.byteLength).toBe(size);
      expect(sha256(read), 'sha256 read from offset 0').toBe(whole);
      const offset = 7 * MiB + 3;
      const tail = await readAll(await driver.reader(path('big'), offset));
      expect(sha256(tail), 'sha256 read from the middle').toBe(sha256(read.subarray(offset)));
      await driver.delete(prefix);
    },
  },
];

const sample = text('0123456789abcdef');

export const readerCases: readonly ConformanceCase[] = [
  {
    name: 'should read a whole file from offset 0',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), sample);
      expectBytes(await readAll(await driver.reader(path('file'))), sample);
      expectBytes(await readAll(await driver.reader(path('file'), 0)), sample);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should read from an offset in the middle',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), sample);
      expect(decode(await readAll(await driver.reader(path('file'), 10)))).toBe('abcdef');
      expect(decode(await readAll(await driver.reader(path('file'), 15)))).toBe('f');
      await driver.delete(prefix);
    },
  },
  {
    name: 'should return an empty stream when the offset equals the size',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), sample);
      expect((await readAll(await driver.reader(path('file'), sample.byteLength))).byteLength).toBe(0);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject an offset beyond the end with InvalidOffsetError',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), sample);
      await expectInvalidOffset(driver.reader(path('file'), sample.byteLength + 1));
      await expectInvalidOffset(driver.reader(path('file'), 1 << 30));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject a negative offset with InvalidOffsetError',
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), sample);
      await expectInvalidOffset(driver.reader(path('file'), -1));
      await driver.delete(prefix);
    },
  },
  {
    name: 'should reject a reader on a missing path or a directory with PathNotFoundError',
    async run({ driver, path, prefix }) {
      await expectNotFound(driver.reader(path('missing')));
      await expectNotFound(driver.reader(path('missing'), 5));
      await driver.putContent(path('dir', 'file'), sample);
      await expectNotFound(driver.reader(path('dir')));
      await driver.delete(prefix);
    },
  },
  {
    name: "should fail a reader's stream with the signal's reason when aborted mid-read",
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), pattern(8 * MiB, 5));
      const controller = new AbortController();
      const reason = new Error('client went away');
      const reader = (await driver.reader(path('file'), 0, { signal: controller.signal })).getReader();
      await reader.read();
      controller.abort(reason);
      // Chunks already read ahead may still arrive; the stream must then fail, not end cleanly.
      const drain = async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read());
      };
      await expect(drain()).rejects.toBe(reason);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should never mix old and new content when a file is replaced while it is read',
    async run({ driver, path, prefix }) {
      const [before, after] = [pattern(3 * MiB, 1), pattern(3 * MiB, 2)];
      await driver.putContent(path('file'), before);
      const reader = (await driver.reader(path('file'))).getReader();
      const first = await reader.read();
      await driver.putContent(path('file'), after);
      const rest: Uint8Array[] = first.value ? [first.value] : [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
      expect([sha256(before), sha256(after)]).toContain(sha256(...rest));
      await driver.delete(prefix);
    },
  },
];
