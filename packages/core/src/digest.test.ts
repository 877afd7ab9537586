import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Digester, digestOf, parseDigest, tryParseDigest } from './digest.js';

const hex = (alg: string, s: string) => createHash(alg).update(s).digest('hex');

describe('digests', () => {
  it('should parse sha256 and sha512 digests', () => {
    expect(parseDigest(`sha256:${hex('sha256', 'x')}`).algorithm).toBe('sha256');
    expect(parseDigest(`sha512:${hex('sha512', 'x')}`).hex).toHaveLength(128);
  });

  it.each(['sha256:abc', `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`, 'nocolon', `sha256:${'a'.repeat(63)}g`, `sha512:${'a'.repeat(64)}`])(
    'should refuse %s',
    (d) => {
      expect(tryParseDigest(d)).toBeNull();
      expect(() => parseDigest(d)).toThrow(/invalid digest/);
    },
  );

  it('should digest incrementally the same as at once, and copy independently', () => {
    const d = new Digester('sha256');
    d.update(new TextEncoder().encode('hello '));
    const snapshot = d.copy();
    d.update(new TextEncoder().encode('world'));
    expect(d.digest()).toBe(digestOf(new TextEncoder().encode('hello world')));
    expect(snapshot.digest()).toBe(`sha256:${hex('sha256', 'hello ')}`);
    expect(d.size).toBe(11);
    expect(d.digest()).toBe(d.digest());
  });
});
