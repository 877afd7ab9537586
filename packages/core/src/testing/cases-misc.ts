/**
 * Conformance cases that cut across methods: concurrency, AbortSignal, the path grammar's
 * less common characters, and the optional `redirectURL`.
 * @module
 */
import { expect } from 'vitest';
import { decode, expectBytes, listSorted, pattern, sha256, text, type ConformanceCase } from './helpers.js';

export const miscCases: readonly ConformanceCase[] = [
  {
    name: 'should leave one intact value after concurrent putContent to the same path',
    async run({ driver, path, prefix }) {
      const values = Array.from({ length: 8 }, (_, i) => pattern(200_000 + i * 10_007, i + 1));
      await Promise.all(values.map((value) => driver.putContent(path('file'), value)));
      const stored = await driver.getContent(path('file'));
      expect(values.map((v) => sha256(v))).toContain(sha256(stored));
      expect(await driver.list(prefix)).toEqual([path('file')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should run concurrent writers on different paths independently',
    async run({ driver, path, prefix }) {
      const names = ['w0', 'w1', 'w2', 'w3', 'w4'];
      const data = names.map((_, i) => pattern(300_000 + i, i + 10));
      const writers = await Promise.all(names.map((name, i) => driver.writer(path(i % 2 ? 'odd' : 'even', name))));
      for (let at = 0; at < 300_004; at += 50_000) {
        await Promise.all(writers.map((w, i) => w.write(data[i]!.subarray(at, at + 50_000))));
      }
      await Promise.all(writers.map((w) => w.commit()));
      for (const [i, name] of names.entries()) {
        expectBytes(await driver.getContent(path(i % 2 ? 'odd' : 'even', name)), data[i]!);
      }
      await driver.delete(prefix);
    },
  },
  {
    name: "should reject with the signal's reason when the signal is already aborted",
    async run({ driver, path, prefix }) {
      await driver.putContent(path('file'), text('before'));
      const controller = new AbortController();
      const reason = new Error('aborted by the test');
      controller.abort(reason);
      const options = { signal: controller.signal };
      const calls: [string, () => Promise<unknown>][] = [
        ['getContent', () => driver.getContent(path('file'), options)],
        ['putContent', () => driver.putContent(path('file'), text('after'), options)],
        ['putContent (new)', () => driver.putContent(path('new'), text('after'), options)],
        ['reader', () => driver.reader(path('file'), 0, options)],
        ['writer', () => driver.writer(path('writer'), options)],
        ['stat', () => driver.stat(path('file'), options)],
        ['list', () => driver.list(prefix, options)],
        ['move', () => driver.move(path('file'), path('moved'), options)],
        ['delete', () => driver.delete(path('file'), options)],
      ];
      if (driver.redirectURL) calls.push(['redirectURL', () => driver.redirectURL!(path('file'), { method: 'GET', ...options })]);
      for (const [method, call] of calls) {
        await expect(call(), method).rejects.toBe(reason);
      }
      expect(decode(await driver.getContent(path('file')))).toBe('before');
      expect(await driver.list(prefix)).toEqual([path('file')]);
      await (await driver.writer(path('writer'), { append: true })).cancel();
      await driver.delete(prefix);
    },
  },
  {
    name: 'should accept paths with dots, dashes and underscores',
    async run({ driver, path, prefix }) {
      const names = [
        ['_uploads', '0.1.0-rc_1', 'data'],
        ['.hidden', '..dots..', '...'],
        ['a-b', 'c_d', 'e.f'],
        ['UPPER', 'sha256', 'ab', 'ab0123456789cdef', 'link'],
      ];
      for (const p of names) await driver.putContent(path(...p), text(p.join('/')));
      for (const p of names) expect(decode(await driver.getContent(path(...p)))).toBe(p.join('/'));
      expect(await listSorted(driver, prefix)).toEqual(names.map((p) => path(p[0]!)).sort());
      expect(await driver.list(path('.hidden', '..dots..'))).toEqual([path('.hidden', '..dots..', '...')]);
      await driver.delete(path('.hidden'));
      await driver.move(path('a-b', 'c_d', 'e.f'), path('a-b', 'c_d', 'e.f.moved'));
      expect(await driver.list(path('a-b', 'c_d'))).toEqual([path('a-b', 'c_d', 'e.f.moved')]);
      await driver.delete(prefix);
    },
  },
  {
    name: 'should return a string or null from redirectURL when it is implemented',
    async run({ driver, path, prefix }) {
      if (!driver.redirectURL) return;
      await driver.putContent(path('file'), text('x'));
      for (const method of ['GET', 'HEAD'] as const) {
        const url = await driver.redirectURL(path('file'), { method, expiresIn: 60 });
        if (url !== null) expect(() => new URL(url)).not.toThrow();
      }
      await driver.delete(prefix);
    },
  },
];
