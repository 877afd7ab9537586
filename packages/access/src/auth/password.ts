/**
 * Password hashing with scrypt from `node:crypto`, a random 16-byte salt per user and the
 * parameters stored beside the hash, so a later cost increase leaves old hashes verifiable.
 * The async `scrypt` runs on the libuv pool and keeps the event loop free during logins.
 *
 * {@link verifyPassword} also accepts a missing hash and then runs scrypt on a dummy, so a
 * login for a username that does not exist takes as long as one with a wrong password.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHash } from '../model/schema.js';

/** log2 of scrypt's N used for new hashes (N = 32768, 32 MiB of memory per hash). */
export const DEFAULT_PASSWORD_COST = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** Shortest password accepted (GitLab's default minimum). */
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is too tight for N = 2^15.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Hash a password for storage.
 * @param cost log2 of scrypt's N (default {@link DEFAULT_PASSWORD_COST})
 */
export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_COST): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const N = 2 ** cost;
  const key = await derive(password, salt, N, R, P, KEY_LENGTH);
  return { algorithm: 'scrypt', N, r: R, p: P, keyLength: KEY_LENGTH, salt: salt.toString('base64'), hash: key.toString('base64') };
}

const dummies = new Map<number, Promise<PasswordHash>>();

/** A hash of a random password at `cost`, made once per cost, to verify against when there is no user. */
function dummyHash(cost: number): Promise<PasswordHash> {
  let dummy = dummies.get(cost);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('base64'), cost);
    dummies.set(cost, dummy);
  }
  return dummy;
}

/**
 * Whether `password` matches `stored`, compared in constant time. With `stored` null (no such
 * user, or a user without a password) it does the same work against a dummy and answers false.
 * @param cost the cost of the dummy hash; pass the store's cost so both paths take equally long
 */
export async function verifyPassword(password: string, stored: PasswordHash | null, cost = DEFAULT_PASSWORD_COST): Promise<boolean> {
  const hash = stored ?? (await dummyHash(cost));
  const expected = Buffer.from(hash.hash, 'base64');
  const actual = await derive(password, Buffer.from(hash.salt, 'base64'), hash.N, hash.r, hash.p, hash.keyLength);
  return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== null;
}

/** Why a new password is refused, or `null`. */
export function explainWeakPassword(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password is too short: at least ${MIN_PASSWORD_LENGTH} characters are needed`;
  if (password.length > 1024) return 'the password is too long: at most 1024 characters are allowed';
  return null;
}
