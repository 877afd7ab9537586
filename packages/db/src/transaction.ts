/**
 * Writes as transactions that are retried when the database says "try again": PostgreSQL's
 * serialization failures and deadlocks (40001, 40P01, which READ COMMITTED with row locks can
 * still meet) and SQLite's `SQLITE_BUSY` (another process held the write lock past the busy
 * timeout). A few attempts with jittered backoff; then the error stands, as
 * `DatabaseUnavailableError` when it means the database cannot answer. The work passed in must
 * be database work only — hash passwords and make secrets before — since it may run again and,
 * on SQLite, holds the only connection while it runs.
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { classifyDatabaseError } from './errors.js';

const ATTEMPTS = 5;

/** Whether the database asks to run the transaction again (serialization, deadlock, busy). */
export function asksForRetry(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errstr, message } = error as { code?: unknown; errstr?: unknown; message?: unknown };
  if (code === '40001' || code === '40P01' || code === 'SQLITE_BUSY') return true;
  return errstr === 'database is locked' || (typeof message === 'string' && /database is locked/.test(message));
}

export const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, (2 ** attempt * 10) * (0.5 + Math.random())));

/**
 * Run `work` in a transaction, again (up to 5 times) while the database asks for a retry.
 * @throws DatabaseUnavailableError when the database cannot answer; what `work` throws otherwise
 */
export async function writeTransaction<DB, T>(db: Kysely<DB>, work: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt < ATTEMPTS && asksForRetry(error)) {
        await pause(attempt);
        continue;
      }
      throw classifyDatabaseError(error, 'a write');
    }
  }
}
