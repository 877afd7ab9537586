import { describe, expect, it } from 'vitest';
import { rawTargetProblem } from './raw-path.js';

describe('rawTargetProblem', () => {
  it.each([
    '/v2/team/../admin/manifests/x',
    '/v2/team/%2e%2e/admin/tags/list',
    '/v2/team/%2E%2e/admin/tags/list',
    '/v2/./team/app/tags/list',
    '/v2/team/app/..',
    '/v2/team/%2e/app/tags/list',
  ])('should refuse %s as NAME_INVALID', (target) => {
    expect(rawTargetProblem(target)?.code).toBe('NAME_INVALID');
  });

  it('should refuse relative segments outside /v2/ as NOT_FOUND', () => {
    expect(rawTargetProblem('/auth/../v2/')?.code).toBe('NOT_FOUND');
  });

  it.each(['/v2/', '/v2/team/app.v1/tags/list', '/v2/a..b/tags/list', '/v2/team/app/blobs/uploads/?from=../x', '/v2/team/.hidden'])(
    'should accept %s',
    (target) => {
      expect(rawTargetProblem(target)).toBeNull();
    },
  );
});
