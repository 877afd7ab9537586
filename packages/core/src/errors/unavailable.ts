/**
 * Errors of something the registry depends on that cannot answer right now — the metadata
 * database, first of all. They are not the client's fault and not a bug: every HTTP edge answers
 * them 503 with `Retry-After`, never 500. They are recognised by a marker property rather than
 * a class, so the packages that throw them (`@wharf/db`) need not depend on core.
 * @module
 */
import { RegistryError } from './registry-error.js';

/** What such an error carries. */
export interface TemporarilyUnavailable {
  readonly temporarilyUnavailable: true;
  /** Seconds a client may wait before trying again (default 5). */
  readonly retryAfterSeconds?: number;
}

/** Whether `error` says a dependency cannot answer right now. */
export function isTemporarilyUnavailable(error: unknown): error is Error & TemporarilyUnavailable {
  return error instanceof Error && (error as Partial<TemporarilyUnavailable>).temporarilyUnavailable === true;
}

/**
 * The client's view of such an error: UNAVAILABLE with a retry delay, and a message that names
 * the database but not its address or the driver's words (those go to the server's log).
 * @returns `undefined` for every other error
 */
export function unavailableError(error: unknown): RegistryError | undefined {
  if (!isTemporarilyUnavailable(error)) return undefined;
  return new RegistryError('UNAVAILABLE', 'the metadata database cannot answer right now; try again in a few seconds', {
    retryAfterSeconds: error.retryAfterSeconds ?? 5,
    cause: error,
  });
}
