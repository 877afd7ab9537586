import { describe, expect, it } from 'vitest';
import { formatAccessLine } from './access-line.js';

describe('formatAccessLine', () => {
  it('should format one line', () => {
    const line = formatAccessLine({
      start: new Date('2025-01-31T12:00:00.000Z'),
      remote: '127.0.0.1',
      method: 'GET',
      target: '/v2/app/tags/list?n=10',
      httpVersion: '1.1',
      status: 200,
      bytes: 42,
      durationMs: 3.6,
    });
    expect(line).toBe('2025-01-31T12:00:00.000Z 127.0.0.1 "GET /v2/app/tags/list?n=10 HTTP/1.1" 200 42 4ms');
  });

  it('should write - for unknown values and escape quotes in the target', () => {
    const line = formatAccessLine({
      start: new Date(0),
      remote: undefined,
      method: 'PATCH',
      target: '/a"b',
      httpVersion: '1.0',
      status: undefined,
      bytes: undefined,
      durationMs: 0,
    });
    expect(line).toBe('1970-01-01T00:00:00.000Z - "PATCH /a\\x22b HTTP/1.0" - - 0ms');
  });

  it('should end with the quoted note, when there is one', () => {
    const line = formatAccessLine({ start: new Date(0), remote: '10.0.0.7', method: 'POST', target: '/auth/token', httpVersion: '1.1', status: 408, bytes: undefined, durationMs: 60_013, note: 'too "slow"' });
    expect(line).toBe('1970-01-01T00:00:00.000Z 10.0.0.7 "POST /auth/token HTTP/1.1" 408 - 60013ms "too \\x22slow\\x22"');
  });
});
