import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_COST, hashPassword, verifyPassword } from './password.js';
import { generateTokenSecret, hashToken, looksLikeTokenSecret, randomBase62, sameTokenHash } from './secrets.js';

describe('token secrets', () => {
  it('should generate prefixed base62 secrets of at least 32 random characters, all different', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateTokenSecret('personalAccessToken')));
    expect(secrets.size).toBe(200);
    for (const s of secrets) expect(s).toMatch(/^wharf_pat_[0-9A-Za-z]{32,}$/);
    expect(generateTokenSecret('deployToken')).toMatch(/^wharf_dt_/);
    expect(generateTokenSecret('job')).toMatch(/^wharf_job_/);
    expect(randomBase62(64)).toMatch(/^[0-9A-Za-z]{64}$/);
  });

  it('should recognise the shape of token secrets, and only that', () => {
    for (const kind of ['personalAccessToken', 'deployToken', 'job'] as const)
      expect(looksLikeTokenSecret(generateTokenSecret(kind))).toBe(true);
    expect(looksLikeTokenSecret('wharf_pat_short')).toBe(false);
    expect(looksLikeTokenSecret(`wharf_pat_${'a'.repeat(41)}`)).toBe(false);
    expect(looksLikeTokenSecret(`other_${'a'.repeat(40)}`)).toBe(false);
    expect(looksLikeTokenSecret('correct horse battery staple')).toBe(false);
  });

  it('should compare stored hashes in constant time and refuse malformed ones', () => {
    const h = hashToken('wharf_pat_x');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(sameTokenHash(h, hashToken('wharf_pat_x'))).toBe(true);
    expect(sameTokenHash(h, hashToken('wharf_pat_y'))).toBe(false);
    expect(sameTokenHash(h, 'zz')).toBe(false);
  });
});

describe('password hashing', () => {
  it('should store scrypt parameters and a per-user random salt', async () => {
    const a = await hashPassword('same password', 10);
    const b = await hashPassword('same password', 10);
    expect(a).toMatchObject({ algorithm: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32 });
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('should verify the right password only', async () => {
    const stored = await hashPassword('correct horse', 10);
    expect(await verifyPassword('correct horse', stored, 10)).toBe(true);
    expect(await verifyPassword('correct hors', stored, 10)).toBe(false);
  });

  it('should verify hashes made with another cost than the current one', async () => {
    const stored = await hashPassword('correct horse', 11);
    expect(await verifyPassword('correct horse', stored, 10)).toBe(true);
  });

  it('should use a 2^15 cost by default', async () => {
    expect(DEFAULT_PASSWORD_COST).toBe(15);
    expect((await hashPassword('x'.repeat(8))).N).toBe(32768);
  });

  it('should do the same scrypt work for a missing hash (unknown user) and answer false', async () => {
    const cost = 14;
    const stored = await hashPassword('correct horse', cost);
    await verifyPassword('warm up', null, cost);
    const time = async (f: () => Promise<unknown>) => {
      const start = performance.now();
      await f();
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(() => verifyPassword('wrong', stored, cost)));
      unknown.push(await time(() => verifyPassword('wrong', null, cost)));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    expect(await verifyPassword('correct horse', null, cost)).toBe(false);
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });
});
