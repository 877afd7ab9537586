import { describe, expect, it } from 'vitest';
import { parseQuotas, quotaFor } from './quota-config.js';

describe('parseQuotas', () => {
  it('should read namespaces, units and the * default', () => {
    const table = parseQuotas('team=10GiB, other=500MB,*=1.5KiB');
    expect(quotaFor(table, 'team')).toBe(10 * 2 ** 30);
    expect(quotaFor(table, 'other')).toBe(500e6);
    expect(quotaFor(table, 'anyone')).toBe(1536);
  });

  it('should give no quota without a default', () => {
    expect(quotaFor(parseQuotas('team=1GB'), 'other')).toBeNull();
  });

  it.each(['team', 'team=ten', 'Team=1GB', 'team=1XB', 'a/b=1GB'])('should refuse %j naming it', (text) => {
    expect(() => parseQuotas(text)).toThrow(/WHARF_QUOTAS: cannot read/);
  });

  it('should refuse a size too large to count exactly', () => {
    expect(() => parseQuotas(`team=${'9'.repeat(20)}`)).toThrow(/too large/);
    expect(() => parseQuotas('team=9000000TiB')).toThrow(/too large/);
    expect(quotaFor(parseQuotas('team=8000TiB'), 'team')).toBe(8000 * 2 ** 40);
  });
});
