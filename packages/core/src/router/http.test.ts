import { describe, expect, it } from 'vitest';
import { acceptedTypes, parseContentRange, parsePagination, parseRange } from './http.js';

describe('Content-Range of chunks', () => {
  it('should parse start-end and tolerate bytes prefixes and totals', () => {
    expect(parseContentRange('0-99', '100')).toEqual({ start: 0, end: 99 });
    expect(parseContentRange('bytes 10-19/*', null)).toEqual({ start: 10, end: 19 });
    expect(parseContentRange('bytes=10-19', null)).toEqual({ start: 10, end: 19 });
    expect(parseContentRange(null, '5')).toBeUndefined();
  });

  it.each([['x-1'], ['5-4'], ['-3'], ['1-2-3']])('should refuse %s with RANGE_INVALID', (h) => {
    expect(() => parseContentRange(h, null)).toThrow(/invalid Content-Range/);
  });

  it('should refuse a range that disagrees with Content-Length', () => {
    expect(() => parseContentRange('0-9', '5')).toThrow(/covers 10 bytes/);
  });
});

describe('Range of blob GETs', () => {
  it('should resolve the three forms', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
  });

  it('should report unsatisfiable ranges and ignore junk', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('items=1-2', 100)).toBeUndefined();
    expect(parseRange(null, 100)).toBeUndefined();
  });
});

describe('pagination', () => {
  const url = (s: string) => new URL(`http://x/v2/a/tags/list${s}`);
  it('should read n and last, capping n', () => {
    expect(parsePagination(url('?n=5&last=b'), 100)).toEqual({ n: 5, last: 'b' });
    expect(parsePagination(url('?n=500'), 100)).toEqual({ n: 100, last: undefined });
    expect(parsePagination(url(''), 100)).toEqual({ n: undefined, last: undefined });
  });

  it.each(['?n=-1', '?n=abc', '?n=1.5'])('should refuse %s with PAGINATION_NUMBER_INVALID', (s) => {
    expect(() => parsePagination(url(s), 100)).toThrow(/non-negative integer/);
  });
});

describe('Accept', () => {
  it('should merge every Accept header and drop parameters', () => {
    const headers = new Headers();
    headers.append('Accept', 'application/vnd.oci.image.index.v1+json');
    headers.append('Accept', 'application/vnd.docker.distribution.manifest.v2+json; q=0.9, */*');
    const types = acceptedTypes(new Request('http://x/', { headers }));
    expect([...types].sort()).toEqual(['*/*', 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.index.v1+json']);
  });
});
