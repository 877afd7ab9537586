import { describe, expect, it } from 'vitest';
import { KeyMap } from './s3-keys.js';
import { parseS3Url } from './s3-url.js';

describe('KeyMap', () => {
  it('should map paths under a prefix and writers into a tree beside it', () => {
    const keys = new KeyMap('team/registry');
    expect(keys.file('/wharf/v1/blobs/x')).toBe('team/registry/wharf/v1/blobs/x');
    expect(keys.dir('/')).toBe('team/registry/');
    expect(keys.dir('/a/b')).toBe('team/registry/a/b/');
    const w = keys.writer('/a/b');
    expect([w.state, w.data, w.tail('01ab'), w.prefix]).toEqual([
      'team/registry#uploads/a/b#state',
      'team/registry#uploads/a/b#data',
      'team/registry#uploads/a/b#tail-01ab',
      'team/registry#uploads/a/b#',
    ]);
    expect(keys.writersBeneath('/a')).toBe('team/registry#uploads/a/');
    // a writer of /a/b never shares a key prefix with one of /a/bc or /a/b/c
    expect(keys.writer('/a/bc').prefix.startsWith(w.prefix)).toBe(false);
    expect(keys.writer('/a/b/c').prefix.startsWith(w.prefix)).toBe(false);
  });

  it('should map paths to the bucket root without a prefix, trimming slashes', () => {
    const keys = new KeyMap('');
    expect(keys.file('/a')).toBe('a');
    expect(keys.dir('/')).toBe('');
    expect(keys.writer('/a').state).toBe('#uploads/a#state');
    expect(new KeyMap('/p/').files).toBe('p/');
  });

  it('should list only names that are valid path components', () => {
    const keys = new KeyMap();
    expect(keys.child('/', 'a')).toBe('/a');
    expect(keys.child('/x', '.hidden')).toBe('/x/.hidden');
    for (const bad of ['', '#uploads', '.', '..', 'a b', 'a/b']) expect(keys.child('/', bad)).toBeNull();
  });

  it('should refuse prefixes outside the path grammar', () => {
    expect(() => new KeyMap('a#b')).toThrow(/invalid S3 key prefix/);
    expect(() => new KeyMap('a/../b')).toThrow(/invalid S3 key prefix/);
  });
});

describe('parseS3Url', () => {
  it('should parse a bucket with and without a prefix', () => {
    expect(parseS3Url('s3://registry')).toEqual({ bucket: 'registry', prefix: '' });
    expect(parseS3Url('s3://my.bucket-1/wharf/prod/')).toEqual({ bucket: 'my.bucket-1', prefix: 'wharf/prod' });
  });

  it('should reject other schemes, bad bucket names and bad prefixes', () => {
    expect(() => parseS3Url('https://registry')).toThrow(/s3:\/\/BUCKET/);
    expect(() => parseS3Url('s3://Upper')).toThrow(/not a valid bucket name/);
    expect(() => parseS3Url('s3://ab')).toThrow(/not a valid bucket name/);
    expect(() => parseS3Url('s3://bucket/a#b')).toThrow(/not a valid key prefix/);
    expect(() => parseS3Url('s3://bucket/a/../b')).toThrow(/not a valid key prefix/);
  });
});
