import { describe, expect, it } from 'vitest';
import { RegistryError } from './registry-error.js';
import { ERROR_BODY_LIMITS, errorResponse } from './serialize.js';

type Body = { errors: Array<{ code: string; message: string; detail?: unknown }> };
const bodyOf = async (error: unknown) => {
  const res = errorResponse(error);
  const text = await res.text();
  expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
  return { text, body: JSON.parse(text) as Body };
};

describe('error bodies', () => {
  it('should keep a small error as it is', async () => {
    const { body } = await bodyOf(new RegistryError('BLOB_UNKNOWN', 'blob x is not here', { detail: { digest: 'sha256:x', sizes: [1, 2] } }));
    expect(body).toEqual({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob x is not here', detail: { digest: 'sha256:x', sizes: [1, 2] } }] });
  });

  it('should list a bounded number of errors and count the rest in a last entry', async () => {
    const additional = Array.from({ length: 20_000 }, (_, i) => ({ code: 'MANIFEST_BLOB_UNKNOWN' as const, message: `missing ${i}`, detail: { digest: `d${i}` } }));
    const { text, body } = await bodyOf(new RegistryError('MANIFEST_BLOB_UNKNOWN', 'missing first', { additional }));
    expect(body.errors).toHaveLength(ERROR_BODY_LIMITS.errors);
    expect(body.errors.at(-2)?.message).toBe(`missing ${ERROR_BODY_LIMITS.errors - 3}`);
    const unlisted = 20_001 - (ERROR_BODY_LIMITS.errors - 1);
    expect(body.errors.at(-1)).toEqual({ code: 'MANIFEST_BLOB_UNKNOWN', message: `and ${unlisted} more errors not listed`, detail: { unlisted } });
    expect(text.length).toBeLessThan(64 * 1024);
  });

  it('should cut long messages and long strings, arrays and objects in the detail', async () => {
    const keys = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`key${i}`, i]));
    const detail = { long: 'x'.repeat(1_000_000), list: Array.from({ length: 100_000 }, (_, i) => i), keys, [`k${'y'.repeat(10_000)}`]: 1 };
    const { text, body } = await bodyOf(new RegistryError('PARAMETER_INVALID', 'm'.repeat(1_000_000), { detail }));
    expect(text.length).toBeLessThan(64 * 1024);
    const [first] = body.errors;
    expect(first?.message).toHaveLength(ERROR_BODY_LIMITS.message + 1);
    const d = first?.detail as { long: string; list: unknown[]; keys: Record<string, unknown> };
    expect(d.long).toHaveLength(ERROR_BODY_LIMITS.string + 1);
    expect(d.list).toHaveLength(ERROR_BODY_LIMITS.items + 1);
    expect(d.list.at(-1)).toBe(`… and ${100_000 - ERROR_BODY_LIMITS.items} more`);
    expect(d.keys['…']).toBe(`and ${5_000 - ERROR_BODY_LIMITS.items} more keys`);
  });

  it('should bound a deeply nested detail', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const { text } = await bodyOf(new RegistryError('PARAMETER_INVALID', 'deep', { detail: deep }));
    expect(text.length).toBeLessThan(1024);
  });

  it('should stop listing entries once the body is large', async () => {
    const additional = Array.from({ length: 120 }, () => ({ code: 'PARAMETER_INVALID' as const, message: 'x', detail: { a: 'y'.repeat(1_000) } }));
    const { text, body } = await bodyOf(new RegistryError('PARAMETER_INVALID', 'first', { additional }));
    expect(text.length).toBeLessThan(ERROR_BODY_LIMITS.bytes + 16 * 1024);
    expect(body.errors.at(-1)?.message).toMatch(/^and \d+ more errors not listed$/);
  });

  it('should hide what a non-registry error says', async () => {
    const { body } = await bodyOf(new Error('secret path /etc/x'));
    expect(body.errors).toEqual([{ code: 'UNKNOWN', message: 'internal server error' }]);
  });
});
