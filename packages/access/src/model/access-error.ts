/**
 * The one error type of the access model. It carries a code, never an HTTP status: the admin
 * API maps codes to statuses at its edge and the CLI to exit codes, so the store stays usable
 * from any host.
 * @module
 */

/**
 * What went wrong:
 * - `NOT_FOUND`: the user, group, project, token or job does not exist;
 * - `CONFLICT`: the change clashes with existing state (duplicate name, last admin, visibility
 *   above the parent's, a non-empty group);
 * - `INVALID`: the input breaks a rule (name grammar, unknown scope, expiry in the past);
 * - `CORRUPT`: the store's file cannot be read as an access document; nothing is reset;
 * - `LOCKED`: another writer held the store's lock for longer than the wait limit.
 */
export type AccessErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'CORRUPT' | 'LOCKED';

/**
 * An error of the access model, with a message meant for the person who caused it.
 * @example
 * throw new AccessError('NOT_FOUND', `no user "${name}"`);
 */
export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AccessError';
  }
}

/** True for an {@link AccessError} (also across copies of this module). */
export function isAccessError(error: unknown, code?: AccessErrorCode): error is AccessError {
  const ok = error instanceof AccessError || (error instanceof Error && error.name === 'AccessError' && 'code' in error);
  return ok && (code === undefined || (error as AccessError).code === code);
}

/**
 * A reference someone typed, quoted for a message: JSON-quoted (so control characters and
 * quotes are visible) and cut at 100 characters, so an error never echoes a huge input.
 */
export function quoteRef(ref: string): string {
  return JSON.stringify(ref.length > 100 ? `${ref.slice(0, 100)}…` : ref);
}
