import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect.js';

describe('safeRedirect', () => {
  it('should keep same-origin paths with their query and fragment', () => {
    expect(safeRedirect('/repositories/team/app?sort=name#tags')).toBe('/repositories/team/app?sort=name#tags');
    expect(safeRedirect('/')).toBe('/');
  });

  it('should refuse anything that leaves the site', () => {
    for (const target of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'evil',
      '/ok\nSet-Cookie: x',
      '',
      undefined,
      42,
      `/${'a'.repeat(3000)}`,
    ]) {
      expect(safeRedirect(target)).toBe('/');
    }
  });

  it('should normalise dot segments without leaving the origin', () => {
    expect(safeRedirect('/a/../../b')).toBe('/b');
  });
});
