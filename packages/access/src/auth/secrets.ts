/**
 * Token secrets: generated from the CSPRNG, shown once, stored only as sha256. A presented
 * secret is looked up by its hash and the stored hash is then compared in constant time, so
 * neither the lookup nor the comparison leaks how much of a guess was right.
 * @module
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Kinds of token and the prefix their secrets start with (so leaked secrets are recognisable). */
export const TOKEN_PREFIXES = {
  personalAccessToken: 'wharf_pat_',
  deployToken: 'wharf_dt_',
  job: 'wharf_job_',
} as const;

/** Random characters after the prefix: 40 base62 characters are about 238 bits. */
export const TOKEN_RANDOM_LENGTH = 40;

/** `length` uniformly random base62 characters (no modulo bias: `randomInt` rejects). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** A fresh secret for a token kind, e.g. `wharf_pat_3kV…`. */
export function generateTokenSecret(kind: keyof typeof TOKEN_PREFIXES): string {
  return TOKEN_PREFIXES[kind] + randomBase62(TOKEN_RANDOM_LENGTH);
}

const TOKEN_SHAPE = new RegExp(`^(?:${Object.values(TOKEN_PREFIXES).join('|')})[0-9A-Za-z]{${TOKEN_RANDOM_LENGTH}}$`);

/**
 * Whether `secret` has the shape of a Wharf token secret (prefix and 40 base62 characters).
 * Such a secret is only ever checked as a token: no password may have this shape, so a wrong or
 * revoked token costs no password hash and counts against no login name.
 */
export function looksLikeTokenSecret(secret: string): boolean {
  return TOKEN_SHAPE.test(secret);
}

/**
 * The hex sha256 a secret is stored and looked up as. A plain (unkeyed, fast) hash is enough:
 * the secrets are ~238 random bits, so neither guessing nor a leaked store can recover one,
 * and a lookup costs microseconds — no slow hash, no thread-pool work.
 */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two hex sha256 digests (false for malformed input). */
export function sameTokenHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
