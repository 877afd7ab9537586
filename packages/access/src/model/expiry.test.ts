import { describe, expect, it } from 'vitest';
import { AccessError } from './access-error.js';
import { MAX_EXPIRY_MS, parseExpiry } from './expiry.js';
import { emptyDocument } from './schema.js';
import { MAX_JOB_DURATION_MS, startJob } from './jobs.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof AccessError ? error.code : `not an AccessError: ${String(error)}`;
  }
  return 'accepted';
};

describe('parseExpiry', () => {
  it('should take a date as 00:00 UTC of that day and a timestamp as that instant', () => {
    expect(parseExpiry('2027-01-01', NOW)).toBe('2027-01-01T00:00:00.000Z');
    expect(parseExpiry('2027-01-01T10:00:00+02:00', NOW)).toBe('2027-01-01T08:00:00.000Z');
    expect(parseExpiry('9999-12-31', NOW)).toBe('9999-12-31T00:00:00.000Z');
    expect(parseExpiry(new Date(MAX_EXPIRY_MS), NOW)).toBe('9999-12-31T23:59:59.999Z');
    expect(parseExpiry(null, NOW)).toBeNull();
    expect(parseExpiry('', NOW)).toBeNull();
  });

  it('should refuse as INVALID what it cannot store: years past 9999, loose shapes, invalid dates', () => {
    for (const input of [
      '10000-01-01',
      '+010000-01-01T00:00:00Z',
      '275760-09-13',
      '1',
      '3000',
      'soon',
      '2027-1-1',
      '2026-02-30',
      '2027-01-01 10:00',
    ]) {
      expect(
        code(() => parseExpiry(input, NOW)),
        input,
      ).toBe('INVALID');
    }
    expect(code(() => parseExpiry(new Date(Number.NaN), NOW))).toBe('INVALID');
    expect(code(() => parseExpiry(new Date(MAX_EXPIRY_MS + 1), NOW))).toBe('INVALID');
    expect(code(() => parseExpiry('x'.repeat(100_000), NOW))).toBe('INVALID');
    expect(code(() => parseExpiry('2026-03-01', NOW))).toBe('INVALID');
  });
});

describe('startJob durations', () => {
  it('should refuse durations that are not positive or longer than the maximum as INVALID', () => {
    const doc = emptyDocument();
    doc.users.set('u', {
      id: 'u',
      number: 1,
      username: 'dev',
      passwordHash: null,
      admin: false,
      twoFactor: false,
      blocked: false,
      external: false,
      createdAt: NOW.toISOString(),
    });
    doc.groups.set('g', { id: 'g', number: 1, path: 'team', parentId: null, visibility: 'private', createdAt: NOW.toISOString() });
    doc.projects.set('p', { id: 'p', number: 1, path: 'team/app', groupId: 'g', visibility: 'private', createdAt: NOW.toISOString() });
    const hash = '0'.repeat(64);
    for (const maxDurationMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_JOB_DURATION_MS + 1, 1e300]) {
      expect(
        code(() => startJob(doc, { project: 'p', user: 'u', maxDurationMs }, hash, NOW)),
        String(maxDurationMs),
      ).toBe('INVALID');
    }
    expect(startJob(doc, { project: 'p', user: 'u', maxDurationMs: MAX_JOB_DURATION_MS }, hash, NOW).expiresAt).toBe(
      '2027-03-02T12:00:00.000Z',
    );
  });
});
