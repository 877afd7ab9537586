import { describe, expect, it } from 'vitest';
import { envelopeHeaders, parseRetryAfter, retryDelay } from './webhook-delivery.js';

describe('retryDelay', () => {
  const backoff = { baseMs: 1_000, maxMs: 300_000 };

  it('should double from the base, cap at the maximum, and keep at least half of it', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, backoff, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, backoff, () => 0.999_999))).toEqual(
      [1_000, 2_000, 4_000, 8_000].map((v) => expect.closeTo(v, 0)),
    );
    expect(retryDelay(30, backoff, () => 0)).toBe(150_000);
    expect(retryDelay(1_000, backoff, () => 1)).toBe(300_000);
  });

  it('should wait at least Retry-After, but never beyond the maximum', () => {
    expect(retryDelay(1, backoff, () => 0, 10_000)).toBe(10_000);
    expect(retryDelay(1, backoff, () => 0, 3_600_000)).toBe(300_000);
  });
});

describe('parseRetryAfter', () => {
  it('should read seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('envelopeHeaders', () => {
  it('should send the envelope media type unless the caller sets its own', () => {
    expect(envelopeHeaders().get('content-type')).toBe('application/vnd.docker.distribution.events.v1+json');
    const custom = envelopeHeaders({ 'Content-Type': 'application/json', Authorization: 'Bearer x' });
    expect([custom.get('content-type'), custom.get('authorization')]).toEqual(['application/json', 'Bearer x']);
  });
});
