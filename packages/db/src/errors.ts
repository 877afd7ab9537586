/**
 * When the database cannot answer — PostgreSQL down, unreachable, out of connections, a
 * statement cut off by its timeout; SQLite locked by another process for too long, its disk
 * full or unreadable — the work that needs it is refused with {@link DatabaseUnavailableError},
 * which the server answers with 503 and a clear message; nothing was half written (every
 * multi-row change is one transaction). The pool reconnects by itself once the database is back.
 * Anything else (a constraint violated, a bug) is not "unavailable" and stays as it is.
 * @module
 */

/** The database cannot answer now; try again later. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  /** Seconds a client may wait before trying again. */
  readonly retryAfterSeconds = 5;
  /** The marker every Wharf HTTP edge answers with 503 and Retry-After (`@wharf/core`'s isTemporarilyUnavailable). */
  readonly temporarilyUnavailable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailableError {
  return error instanceof DatabaseUnavailableError;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: 08 connection exceptions; 57P01-57P03 shutdown / cannot connect now; 53 insufficient resources; 57014 statement timeout.
const PG_STATES = /^(08...|57P0[123]|53...|57014)$/;
const SQLITE_CODES = /SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|PROTOCOL)/;

function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code, errcode, errstr } = error as { code?: unknown; errcode?: unknown; errstr?: unknown };
  if (typeof code === 'string') return code;
  if (typeof errstr === 'string') return errstr;
  return typeof errcode === 'number' ? String(errcode) : '';
}

/** Whether `error`, from a driver, means the database cannot answer now. */
export function meansUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = codeOf(error);
  if (NETWORK.has(code) || PG_STATES.test(code) || SQLITE_CODES.test(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|database is locked|disk I\/O error|database or disk is full|unable to open database/i.test(message);
}

/** A driver's error as the caller should see it: {@link DatabaseUnavailableError} when it means that, else itself. */
export function classifyDatabaseError(error: unknown, what: string): unknown {
  if (error instanceof DatabaseUnavailableError || !meansUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseUnavailableError(`the database is unavailable (${what}): ${reason}; try again in a few seconds`, { cause: error });
}
