import { describe, expect, it } from 'vitest';
import { RegistryError } from './errors/registry-error.js';
import { assertValidName, assertValidTag, explainInvalidName, isValidTag } from './names.js';

describe('repository names', () => {
  it.each(['a', 'group/project', 'group/project/image', 'a.b/c_d/e__f/g-h/i--j', 'x0/1y', 'a'.repeat(255)])(
    'should accept %s',
    (name) => {
      expect(explainInvalidName(name)).toBeNull();
    },
  );

  it.each([
    ['', /empty/],
    ['_private', /starts with "_"/],
    ['group/_private', /component 2 .* starts with "_"/],
    ['image-', /ends with "-"/],
    ['Group/app', /uppercase/],
    ['a//b', /empty path component/],
    ['a/', /empty path component/],
    ['a/../b', /relative path segment/],
    ['a/%2e%2e/b', /contains "%"/],
    ['a___b', /separators in a row/],
    ['a..b', /separators in a row/],
    ['a'.repeat(256), /256 characters long; at most 255/],
  ])('should refuse %j saying why', (name, why) => {
    expect(explainInvalidName(name)).toMatch(why);
  });

  it('should throw NAME_INVALID with the reason in the message', () => {
    const error = (() => {
      try {
        assertValidName('team/app-');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('NAME_INVALID');
    expect((error as RegistryError).message).toMatch(/ends with "-"/);
  });
});

describe('tags', () => {
  it.each(['latest', 'v1.2.3', '_x', 'A-b_c.d', 'a'.repeat(128)])('should accept %s', (tag) => {
    expect(isValidTag(tag)).toBe(true);
  });

  it.each(['', '.hidden', '-x', 'a'.repeat(129), 'a/b', 'a:b', 'é'])('should refuse %j', (tag) => {
    expect(isValidTag(tag)).toBe(false);
    expect(() => assertValidTag(tag)).toThrow(RegistryError);
  });
});
