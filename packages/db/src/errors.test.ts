import { describe, expect, it } from 'vitest';
import { classifyDatabaseError, DatabaseUnavailableError, meansUnavailable } from './errors.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('recognising a database that cannot answer', () => {
  it('should recognise network failures, PostgreSQL shutdown and resource states, and SQLite locks', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('08006'),
      withCode('53300', 'too many connections'),
      withCode('57014', 'canceling statement due to statement timeout'),
      withCode('SQLITE_BUSY'),
      Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 }),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(meansUnavailable(error), String(error)).toBe(true);
    }
  });

  it('should leave constraint violations and bugs as they are', () => {
    const unique = withCode('23505', 'duplicate key value violates unique constraint');
    expect(meansUnavailable(unique)).toBe(false);
    expect(classifyDatabaseError(unique, 'a write')).toBe(unique);
    expect(meansUnavailable(new TypeError('x is undefined'))).toBe(false);
  });

  it('should wrap an unavailable database with what was being done and keep the cause', () => {
    const cause = withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    const error = classifyDatabaseError(cause, 'a write');
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe('the database is unavailable (a write): connect ECONNREFUSED 127.0.0.1:5432; try again in a few seconds');
    expect((error as Error).cause).toBe(cause);
  });
});
