import { describe, expect, it, vi } from 'vitest';
import { describeDriverConformance } from '../testing/index.js';
import { InvalidOffsetError, InvalidPathError, PathNotFoundError, StorageError, type StorageDriver } from './driver.js';
import { type GuardedDriver, guard, isValidPath } from './guard.js';
import { MemoryStorage } from './memory-driver.js';

const bytes = new Uint8Array([1, 2, 3]);

/** A MemoryStorage whose every method is a spy, to see what reaches the inner driver. */
function spied(): StorageDriver {
  const inner = new MemoryStorage();
  for (const method of ['getContent', 'putContent', 'reader', 'writer', 'stat', 'list', 'move', 'delete', 'touch'] as const) {
    vi.spyOn(inner, method);
  }
  return inner;
}

const calls = (g: GuardedDriver, path: string): [string, () => Promise<unknown>][] => [
  ['getContent', () => g.getContent(path)],
  ['putContent', () => g.putContent(path, bytes)],
  ['reader', () => g.reader(path)],
  ['writer', () => g.writer(path)],
  ['stat', () => g.stat(path)],
  ['list', () => g.list(path)],
  ['move from', () => g.move(path, '/ok')],
  ['move to', () => g.move('/ok', path)],
  ['delete', () => g.delete(path)],
  ['touch', () => g.touch(path)],
  ['redirectURL', () => g.redirectURL(path, { method: 'GET' })],
];

// The guard must be transparent to a correct driver.
describeDriverConformance({ name: 'memory, guarded', create: () => guard(new MemoryStorage()) });

describe('isValidPath', () => {
  it.each(['/a', '/a/b', '/a.b/_c/d-e/0', '/...', '/.hidden', '/a..b'])('should accept %j', (path) => {
    expect(isValidPath(path)).toBe(true);
  });

  it.each(['', '/', 'a', 'a/b', '/a/', '//a', '/a//b', '/a/./b', '/a/..', '/.', '/a b', '/a#b', '/a:b', '/é', '/a\\b'])(
    'should reject %j',
    (path) => {
      expect(isValidPath(path)).toBe(false);
    },
  );
});

describe('GuardedDriver', () => {
  it('should reject invalid paths in every method without calling the driver', async () => {
    const inner = spied();
    const g = guard(inner);
    for (const path of ['relative', '/a/../b', '/trailing/', '/a#partial']) {
      for (const [method, call] of calls(g, path)) {
        const error = await call().then(() => undefined, (e: unknown) => e);
        expect(error, `${method}(${path})`).toBeInstanceOf(InvalidPathError);
        expect((error as InvalidPathError).driverName).toBe('memory');
      }
    }
    for (const method of ['getContent', 'putContent', 'reader', 'writer', 'stat', 'list', 'move', 'delete', 'touch'] as const) {
      expect(inner[method]).not.toHaveBeenCalled();
    }
  });

  it('should accept the root only for list', async () => {
    const g = guard(new MemoryStorage());
    expect(await g.list('/')).toEqual([]);
    await expect(g.stat('/')).rejects.toBeInstanceOf(InvalidPathError);
    await expect(g.delete('/')).rejects.toBeInstanceOf(InvalidPathError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('should reject offset %d with InvalidOffsetError', async (offset) => {
    const inner = spied();
    await inner.putContent('/file', bytes);
    const error = await guard(inner).reader('/file', offset).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOffsetError);
    expect(error).toMatchObject({ path: '/file', offset, driverName: 'memory' });
    expect(inner.reader).not.toHaveBeenCalled();
  });

  it('should pass valid offsets through, defaulting to 0', async () => {
    const inner = spied();
    await inner.putContent('/file', bytes);
    const g = guard(inner);
    await g.reader('/file');
    await g.reader('/file', 3);
    expect(vi.mocked(inner.reader).mock.calls.map((c) => c[1])).toEqual([0, 3]);
  });

  it('should stamp the driver name on storage errors from the driver and its writers', async () => {
    const g = guard(new MemoryStorage());
    await expect(g.getContent('/missing')).rejects.toMatchObject({ name: 'PathNotFoundError', driverName: 'memory' });
    await g.putContent('/file', bytes);
    await expect(g.reader('/file', 4)).rejects.toMatchObject({ name: 'InvalidOffsetError', driverName: 'memory' });
    const writer = await g.writer('/w');
    await writer.write(bytes);
    expect(writer.size).toBe(3);
    await writer.commit();
    await expect(writer.write(bytes)).rejects.toMatchObject({ driverName: 'memory' });
  });

  it('should keep a driver name already stamped and leave other errors alone', async () => {
    const named = new PathNotFoundError('/x', 'inner-s3');
    const plain = new TypeError('boom');
    const inner = new MemoryStorage();
    vi.spyOn(inner, 'stat').mockRejectedValueOnce(named).mockRejectedValueOnce(plain);
    const g = guard(inner);
    await expect(g.stat('/x')).rejects.toMatchObject({ driverName: 'inner-s3' });
    await expect(g.stat('/x')).rejects.toBe(plain);
  });

  it("should reject with the signal's reason before calling the driver when already aborted", async () => {
    const inner = spied();
    const reason = new Error('stop');
    const signal = AbortSignal.abort(reason);
    const g = guard(inner);
    await expect(g.putContent('/file', bytes, { signal })).rejects.toBe(reason);
    await expect(g.list('/', { signal })).rejects.toBe(reason);
    await expect(g.writer('/file', { signal, append: true })).rejects.toBe(reason);
    expect(inner.putContent).not.toHaveBeenCalled();
    expect(inner.writer).not.toHaveBeenCalled();
  });

  it('should resolve redirectURL to null when the driver has none, and delegate otherwise', async () => {
    const inner = new MemoryStorage();
    expect(await guard(inner).redirectURL('/file', { method: 'GET' })).toBeNull();
    const withRedirect = Object.assign(new MemoryStorage(), {
      redirectURL: vi.fn(async (path: string) => `https://cdn.example${path}`),
    });
    expect(await guard(withRedirect).redirectURL('/file', { method: 'HEAD' })).toBe('https://cdn.example/file');
    expect(withRedirect.redirectURL).toHaveBeenCalledWith('/file', { method: 'HEAD' });
  });

  it('should not wrap a guarded driver twice and keep the driver name', () => {
    const inner = new MemoryStorage();
    const g = guard(inner);
    expect(guard(g)).toBe(g);
    expect(g.driver).toBe(inner);
    expect(g.name).toBe('memory');
    expect(new StorageError('x').driverName).toBe('unknown');
  });
});
