import { describe, expect, it } from 'vitest';
import { formatBytes, formatTime, registryHost, shortDigest } from './format.js';

describe('formatBytes', () => {
  it('should use binary units with up to three significant digits', () => {
    expect([0, 512, 1024, 1536, 10_752, 1_048_576 * 123.4, 102_400, 1024 ** 3 * 2.5].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '1 KiB',
      '1.5 KiB',
      '10.5 KiB',
      '123 MiB',
      '100 KiB',
      '2.5 GiB',
    ]);
  });

  it('should show a dash for an unknown size', () => {
    expect(formatBytes(null)).toBe('—');
  });
});

describe('formatTime', () => {
  it('should show UTC minutes and a dash for no time', () => {
    expect(formatTime('2026-02-01T14:05:59.000Z')).toBe('2026-02-01 14:05 UTC');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a time')).toBe('—');
  });
});

describe('shortDigest', () => {
  it('should keep the first 12 hex digits', () => {
    expect(shortDigest(`sha256:${'ab12'.repeat(16)}`)).toBe('ab12ab12ab12');
  });
});

describe('registryHost', () => {
  it('should prefer the configured host, taking the host of a URL', () => {
    expect(registryHost('registry.example.com:5000', 'http://localhost/x')).toBe('registry.example.com:5000');
    expect(registryHost('https://registry.example.com/', 'http://localhost/x')).toBe('registry.example.com');
    expect(registryHost(undefined, 'http://127.0.0.1:5000/registry')).toBe('127.0.0.1:5000');
  });
});
