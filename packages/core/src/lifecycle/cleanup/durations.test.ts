import { describe, expect, it } from 'vitest';
import { cadenceMs, CADENCES, parseDuration } from './durations.js';

const DAY = 86_400_000;

describe('durations', () => {
  it('should read every cadence, a month being 30 days', () => {
    expect(CADENCES.map(cadenceMs)).toEqual([DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY]);
  });

  it('should read the free-form durations of the bulk-delete API', () => {
    expect(parseDuration('1h', 'older_than')).toBe(3_600_000);
    expect(parseDuration('30m', 'older_than')).toBe(1_800_000);
    expect(parseDuration('2w', 'older_than')).toBe(14 * DAY);
    expect(parseDuration('1d 12h', 'older_than')).toBe(1.5 * DAY);
    expect(parseDuration('1 month', 'older_than')).toBe(30 * DAY);
  });

  it('should refuse what is not a positive duration, naming the field', () => {
    for (const text of ['', '7', 'd', '7x', '0d', '-1d', '1d junk']) {
      expect(() => parseDuration(text, 'older_than'), text).toThrow(/^older_than: /);
    }
  });
});
