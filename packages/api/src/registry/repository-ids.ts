/**
 * Numeric ids for registry repositories. GitLab's clients address a repository by a numeric
 * `repository_id`, but Wharf keeps repositories in storage (a repository is a directory), not in
 * the access store that numbers users, groups and projects: there is no row to number.
 *
 * So the id is derived from the full name: the first 13 hex digits (52 bits) of the name's
 * SHA-256. That is below `Number.MAX_SAFE_INTEGER` (2^53 - 1), so it survives every JSON parser
 * as an exact integer; it is the same on every server sharing the storage and across restarts,
 * needs no storage of its own, and cannot be guessed into another repository (an id is only
 * ever resolved among the repositories the caller may read). Two names colliding in 52 bits is
 * out of reach for any real registry (about one in 10^8 even for 10^4 repositories). The price:
 * renaming a repository gives it a new id, where GitLab's would stay.
 * @module
 */
import { createHash } from 'node:crypto';

/** Hex digits of the digest kept: 52 bits, an exact integer in JSON. */
const ID_HEX_DIGITS = 13;

/**
 * The repository's numeric id.
 * @example repositoryId('team/app') // the same number on every call and every server
 */
export function repositoryId(name: string): number {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, ID_HEX_DIGITS);
  return Number.parseInt(hex, 16);
}

const ID_PATTERN = /^[1-9]\d{0,15}$/;

/** The number in a `repository_id` path parameter, or `null` when it cannot be an id. */
export function parseRepositoryId(param: string | undefined): number | null {
  if (param === undefined || !ID_PATTERN.test(param)) return null;
  const n = Number(param);
  return Number.isSafeInteger(n) ? n : null;
}
