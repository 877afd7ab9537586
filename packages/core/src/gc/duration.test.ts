import { describe, expect, it } from 'vitest';
import { formatGcDuration, parseGcDuration } from './duration.js';

describe('parseGcDuration', () => {
  it.each([
    ['1h', 3_600_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['7d', 604_800_000],
    ['0', 0],
    ['0s', 0],
    ['1.5s', 1_500],
    [' 2M ', 120_000],
  ])('should read %j as %d ms', (text, ms) => {
    expect(parseGcDuration(text)).toBe(ms);
  });

  it.each(['', 'h', '1', '1x', '-1h', '1h-', 'one hour'])('should refuse %j', (text) => {
    expect(parseGcDuration(text)).toBeNull();
  });

  it('should format for people', () => {
    expect(formatGcDuration(250)).toBe('250ms');
    expect(formatGcDuration(1_500)).toBe('1.5s');
    expect(formatGcDuration(5_400_000)).toBe('1h 30m');
    expect(formatGcDuration(86_400_000 + 1_000)).toBe('1d 1s');
  });
});
