/**
 * PostgreSQL through node-postgres (`pg`, on Node and on Bun alike), loaded only when the URL
 * asks for PostgreSQL so the embedded default never loads it.
 *
 * Pool settings, and why: a connect that takes over 2 s fails (the request answers 503 rather
 * than hang); statements are cut off after 5 s and lock waits after 2 s, so a stuck transaction
 * cannot hold a server's requests; a transaction left idle is ended after 10 s. 64-bit integers
 * (times in milliseconds) come back as numbers, for this pool only. An idle connection that the
 * server drops (a restart) emits `error` on the pool: handled here, or the process would crash;
 * the pool opens new connections once the server is back.
 * @module
 */
import type { PostgresPool } from 'kysely';

/** Options of {@link openPostgresPool}. */
export interface PostgresPoolOptions {
  /** Connections at most (default 10). */
  readonly max?: number;
  /** `statement_timeout` in ms (default 5000). */
  readonly statementTimeoutMs?: number;
  /** The schema to use first (`search_path`), e.g. one per test file. */
  readonly schema?: string;
  /** Reports of connections lost while idle (default: ignored, the pool reconnects). */
  readonly onIdleError?: (error: Error) => void;
}

const INT8_OID = 20;

/** A pool for `url`. Nothing connects until the first query. */
export async function openPostgresPool(url: string, options: PostgresPoolOptions = {}): Promise<PostgresPool & { end(): Promise<void> }> {
  const pg = (await import('pg')).default;
  const parseInt8 = (value: string) => Number(value);
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text'),
  };
  const search = options.schema ? { options: `-c search_path=${options.schema}` } : {};
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 2_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    lock_timeout: 2_000,
    idle_in_transaction_session_timeout: 10_000,
    application_name: 'wharf',
    types,
    ...search,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool as unknown as PostgresPool & { end(): Promise<void> };
}
