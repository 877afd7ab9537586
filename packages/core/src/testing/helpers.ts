/**
 * Shapes and helpers shared by the conformance cases.
 * @module
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { InvalidOffsetError, PathNotFoundError, type StorageDriver } from '../storage/driver.js';

/** What a conformance case gets to work with. */
export interface CaseContext {
  /** The driver under test. */
  readonly driver: StorageDriver;
  /** This case's own top-level directory; a case touches nothing outside it. */
  readonly prefix: string;
  /** `prefix` joined with `components`: `path('a', 'b')` is `${prefix}/a/b`. */
  path(...components: string[]): string;
  /** Another, separate store from the suite's `create()`, destroyed after the case. */
  fresh(): Promise<StorageDriver>;
}

/** One named conformance check. Its name is what `skip` refers to. */
export interface ConformanceCase {
  readonly name: string;
  run(context: CaseContext): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `s`. */
export const text = (s: string): Uint8Array => encoder.encode(s);

/** `bytes` decoded as UTF-8. */
export const decode = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Hex SHA-256 of the concatenation of `chunks`. */
export function sha256(...chunks: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** `size` deterministic, non-repeating-looking bytes (xorshift), different for each `seed`. */
export function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Read a stream to the end. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    expect(value).toBeInstanceOf(Uint8Array);
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Assert two byte arrays are equal, with a readable message for small ones. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.byteLength, 'byte length').toBe(expected.byteLength);
  if (expected.byteLength <= 4096) expect(Buffer.from(actual).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  else expect(sha256(actual), 'sha256 of the content').toBe(sha256(expected));
}

/** Assert the promise rejects with a {@link PathNotFoundError}. */
export async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(PathNotFoundError);
}

/** Assert the promise rejects with an {@link InvalidOffsetError}. */
export async function expectInvalidOffset(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(InvalidOffsetError);
}

/** `list(path)` sorted, for order-independent comparison. */
export async function listSorted(driver: StorageDriver, path: string): Promise<string[]> {
  return (await driver.list(path)).sort();
}

/** Assert that nothing is visible at `path`: no content, no reader, no stat, no listing. */
export async function expectInvisible(driver: StorageDriver, path: string): Promise<void> {
  await expectNotFound(driver.getContent(path));
  await expectNotFound(driver.reader(path));
  await expectNotFound(driver.stat(path));
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  const siblings = await driver.list(parent).catch((error: unknown) => {
    if (error instanceof PathNotFoundError) return [];
    throw error;
  });
  expect(siblings).not.toContain(path);
}

/** Write `chunks` through a new writer and commit. */
export async function writeAll(driver: StorageDriver, path: string, chunks: Uint8Array[]): Promise<void> {
  const writer = await driver.writer(path);
  for (const chunk of chunks) await writer.write(chunk);
  await writer.commit();
}
