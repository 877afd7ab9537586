/**
 * Small filesystem helpers for {@link FsStorage}: error codes, directory fsync, creating and
 * pruning parent directories, and the "does this directory hold anything visible" check.
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { fsyncPath } from './fd-io.js';
import type { Dir } from 'node:fs';
import { mkdir, opendir, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Names containing `#` are the driver's own (partial and temp files): never listed. */
export const isHidden = (name: string): boolean => name.includes('#');

/** The `code` of a Node system error, if any. */
export const codeOf = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** ENOENT and ENOTDIR both mean "nothing is stored there". */
export const isMissing = (error: unknown): boolean => {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** One directory's fsync in progress, and the one queued behind it. */
interface DirSync {
  running: Promise<void>;
  queued: Promise<void> | null;
}

const dirSyncs = new Map<string, DirSync>();

/**
 * fsync a directory, so that entries created, renamed or removed in it survive a crash.
 *
 * Concurrent callers share work: a caller needs an fsync that starts after its own change, so
 * while one runs, everyone who arrives joins a single queued fsync that starts when it ends.
 * Sixteen pushes tagging into the same `tags` directory then cost two fsyncs, not sixteen.
 */
export function fsyncDir(dir: string): Promise<void> {
  const state = dirSyncs.get(dir);
  if (!state) {
    const fresh: DirSync = { running: Promise.resolve(), queued: null };
    fresh.running = fsyncDirOnce(dir).finally(() => settleDirSync(dir, fresh));
    dirSyncs.set(dir, fresh);
    return fresh.running;
  }
  state.queued ??= state.running.catch(() => {}).then(() => fsyncDirOnce(dir));
  return state.queued;
}

function settleDirSync(dir: string, state: DirSync): void {
  const next = state.queued;
  if (!next) {
    dirSyncs.delete(dir);
    return;
  }
  state.queued = null;
  state.running = next.finally(() => settleDirSync(dir, state));
}

async function fsyncDirOnce(dir: string): Promise<void> {
  try {
    await fsyncPath(dir);
  } catch (error) {
    if (!['ENOENT', 'EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(codeOf(error) ?? '')) throw error;
  }
}

/**
 * `mkdir -p dir`; with `fsync`, also fsyncs the parent of every directory it created, since a
 * new directory's entry lives in its parent.
 */
export async function ensureDir(dir: string, fsync: boolean): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (!first || !fsync) return;
  const created: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    created.push(d);
    if (d === first || dirname(d) === d) break;
  }
  await Promise.all(created.map((d) => fsyncDir(dirname(d))));
}

/**
 * Remove `dir` and its ancestors while they are empty, stopping at `root`. Best effort: a
 * directory another operation just filled (ENOTEMPTY) simply stays. With `fsync`, the first
 * surviving ancestor, whose entries changed, is fsynced.
 */
export async function pruneEmptyDirs(root: string, dir: string, fsync: boolean): Promise<void> {
  let d = dir;
  while (d.length > root.length && d.startsWith(root)) {
    try {
      await rmdir(d);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') break;
    }
    d = dirname(d);
  }
  if (fsync) await fsyncDir(d);
}

/**
 * True when a regular file that is not hidden exists at any depth beneath `dir`. Stops at the
 * first one, so a populated directory costs a single read; only leftovers (empty directories,
 * partial or temp files) are walked to the end.
 */
export async function hasVisible(dir: string): Promise<boolean> {
  let entries: Dir;
  try {
    entries = await opendir(dir, { bufferSize: 32 });
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
  // Returning from the loop closes the directory handle.
  for await (const entry of entries) {
    if (isHidden(entry.name)) continue;
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await hasVisible(join(dir, entry.name)))) return true;
  }
  return false;
}

/** Write all of `data` at the handle's current position (a write may be partial). */
export async function writeFully(handle: FileHandle, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.byteLength; ) {
    const { bytesWritten } = await handle.write(data, at, data.byteLength - at, null);
    at += bytesWritten;
  }
}

/** `items.map(fn)` with at most `limit` calls in flight, so a huge directory does not exhaust file descriptors. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
