/**
 * Password hashing with scrypt from `node:crypto`, a random 16-byte salt per user and the
 * parameters stored beside the hash, so a later cost increase leaves old hashes verifiable.
 * The async `scrypt` runs on the libuv pool and keeps the event loop free during logins; every
 * hash goes through a {@link PasswordQueue} so that logins cannot take the whole pool from file
 * reads (password-queue.ts).
 *
 * {@link verifyPassword} also accepts a missing hash and then runs scrypt on a dummy, through
 * the same queue, so a login for a username that does not exist takes as long as one with a
 * wrong password.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHash } from '../model/schema.js';
import { type PasswordQueue, sharedPasswordQueue } from './password-queue.js';
import { looksLikeTokenSecret } from './secrets.js';

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
 * Hash a password for storage. It waits for a turn in `queue` however full it is.
 * @param cost log2 of scrypt's N (default {@link DEFAULT_PASSWORD_COST})
 * @param queue default the process's {@link sharedPasswordQueue}
 */
export function hashPassword(
  password: string,
  cost = DEFAULT_PASSWORD_COST,
  queue: PasswordQueue = sharedPasswordQueue,
): Promise<PasswordHash> {
  return queue.run(() => makeHash(password, cost));
}

/** Hash without queueing: for callers that hold a turn already. */
async function makeHash(password: string, cost: number): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const N = 2 ** cost;
  const key = await derive(password, salt, N, R, P, KEY_LENGTH);
  return { algorithm: 'scrypt', N, r: R, p: P, keyLength: KEY_LENGTH, salt: salt.toString('base64'), hash: key.toString('base64') };
}

const dummies = new Map<number, Promise<PasswordHash>>();

/**
 * A hash of a random password at `cost`, made once per cost, to verify against when there is no
 * user. Called within a queue turn, so it does not queue again.
 */
function dummyHash(cost: number): Promise<PasswordHash> {
  let dummy = dummies.get(cost);
  if (!dummy) {
    dummy = makeHash(randomBytes(16).toString('base64'), cost);
    dummies.set(cost, dummy);
  }
  return dummy;
}

/** How {@link verifyPassword} queues its hash. */
export interface VerifyOptions {
  /** Default the process's {@link sharedPasswordQueue}. */
  readonly queue?: PasswordQueue;
  /**
   * Called once the check has its place in the queue, before any hashing (the login throttle's
   * gate); when it throws, nothing is hashed.
   */
  readonly beforeHashing?: () => void;
}

/**
 * Whether `password` matches `stored`, compared in constant time. With `stored` null (no such
 * user, or a user without a password) it does the same work against a dummy and answers false.
 * @param cost the cost of the dummy hash; pass the store's cost so both paths take equally long
 * @throws {PasswordQueueFullError} when the queue is full (see password-queue.ts), or what `beforeHashing` throws
 */
export async function verifyPassword(
  password: string,
  stored: PasswordHash | null,
  cost = DEFAULT_PASSWORD_COST,
  options: VerifyOptions = {},
): Promise<boolean> {
  const queue = options.queue ?? sharedPasswordQueue;
  const admit = options.beforeHashing;
  return queue.run(
    async () => {
      // Made once per cost: the first login for an unknown user pays for two hashes, once.
      const hash = stored ?? (await dummyHash(cost));
      const expected = Buffer.from(hash.hash, 'base64');
      const actual = await derive(password, Buffer.from(hash.salt, 'base64'), hash.N, hash.r, hash.p, hash.keyLength);
      return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== null;
    },
    { bounded: true, ...(admit ? { admit } : {}) },
  );
}

/** Why a new password is refused, or `null`. */
export function explainWeakPassword(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password is too short: at least ${MIN_PASSWORD_LENGTH} characters are needed`;
  if (password.length > 1024) return 'the password is too long: at most 1024 characters are allowed';
  // Logins check such a secret only as a token (see looksLikeTokenSecret).
  if (looksLikeTokenSecret(password)) return 'the password has the shape of a Wharf access token; choose another';
  return null;
}
