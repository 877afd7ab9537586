import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, describeTarget, parseDatabaseUrl, redactUrl } from './database-url.js';

describe('WHARF_DATABASE_URL', () => {
  it('should mean SQLite in the data directory when unset or empty', () => {
    expect(parseDatabaseUrl(undefined, '/data')).toEqual({ kind: 'sqlite', path: '/data/wharf.db' });
    expect(parseDatabaseUrl('  ', '/data')).toEqual({ kind: 'sqlite', path: '/data/wharf.db' });
    expect(parseDatabaseUrl('sqlite:', '/data')).toEqual({ kind: 'sqlite', path: '/data/wharf.db' });
  });

  it('should take SQLite paths relative to the data directory, absolute ones and :memory:', () => {
    expect(parseDatabaseUrl('sqlite:meta/wharf.sqlite', '/data')).toEqual({ kind: 'sqlite', path: '/data/meta/wharf.sqlite' });
    expect(parseDatabaseUrl('file:///var/lib/wharf.db', '/data')).toEqual({ kind: 'sqlite', path: '/var/lib/wharf.db' });
    expect(parseDatabaseUrl('sqlite::memory:', '/data')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('should take postgres:// and postgresql:// URLs', () => {
    expect(parseDatabaseUrl('postgres://wharf:pw@db:5432/wharf', '/data')).toEqual({ kind: 'postgres', url: 'postgres://wharf:pw@db:5432/wharf' });
    expect(parseDatabaseUrl('postgresql://db/wharf', '/data').kind).toBe('postgres');
  });

  it('should refuse other schemes without printing a password', () => {
    expect(() => parseDatabaseUrl('mysql://root:secret@db/wharf', '/data')).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl('mysql://root:secret@db/wharf', '/data')).toThrow(/mysql:\/\/root:\*\*\*@db\/wharf/);
  });

  it('should describe a target without its password', () => {
    expect(redactUrl('postgres://wharf:s3cret@db:5432/wharf')).toBe('postgres://wharf:***@db:5432/wharf');
    expect(describeTarget(parseDatabaseUrl('postgres://wharf:s3cret@db:5432/wharf', '/data'))).toBe('PostgreSQL db:5432/wharf');
  });
});
