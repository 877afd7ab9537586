/**
 * `WHARF_DATABASE_URL`: which database holds Wharf's metadata.
 *
 * - unset or empty: SQLite in the data directory (`<data>/wharf.db`), the embedded default;
 * - `sqlite:<path>` or `file:<path>` (relative to the data directory unless absolute), or
 *   `sqlite::memory:` for a private in-memory database (tests);
 * - `postgres://…` or `postgresql://…`: PostgreSQL, for several servers sharing one bucket.
 * @module
 */
import { isAbsolute, join } from 'node:path';

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** The default SQLite file's name in the data directory. */
export const SQLITE_FILE = 'wharf.db';

/** An unusable `WHARF_DATABASE_URL`. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Where `url` points.
 * @param dataDir the data directory (`WHARF_DATA`), for the default and relative SQLite paths
 * @throws DatabaseUrlError for another scheme, or a PostgreSQL URL that does not parse
 */
export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  const value = (url ?? '').trim();
  if (value === '') return { kind: 'sqlite', path: join(dataDir, SQLITE_FILE) };
  const sqlite = /^(?:sqlite|file):(?:\/\/)?(.*)$/i.exec(value);
  if (sqlite) {
    const path = sqlite[1] ?? '';
    if (path === ':memory:') return { kind: 'sqlite', path };
    if (path === '') return { kind: 'sqlite', path: join(dataDir, SQLITE_FILE) };
    return { kind: 'sqlite', path: isAbsolute(path) ? path : join(dataDir, path) };
  }
  if (/^postgres(?:ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new DatabaseUrlError(`WHARF_DATABASE_URL is not a valid PostgreSQL URL: ${redactUrl(value)}`);
    }
    return { kind: 'postgres', url: value };
  }
  throw new DatabaseUrlError(`WHARF_DATABASE_URL must start with sqlite:, file: or postgres://, not ${JSON.stringify(redactUrl(value).slice(0, 80))}`);
}

/** `url` with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/** What a target is, for startup lines: `SQLite /data/wharf.db`, `PostgreSQL db.example:5432/wharf`. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.path}`;
  const u = new URL(target.url);
  return `PostgreSQL ${u.host}${u.pathname}`;
}
