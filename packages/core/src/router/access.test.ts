import { describe, expect, it } from 'vitest';
import { requiredAccess } from './access.js';

const q = (s = '') => new URLSearchParams(s);

describe('required access', () => {
  it('should need nothing for the base endpoint and catalog * for the catalog', () => {
    expect(requiredAccess('base', 'GET', undefined, q())).toEqual({ required: [], optional: [] });
    expect(requiredAccess('catalog', 'GET', undefined, q()).required).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  });

  it.each([
    ['manifest', 'GET'],
    ['manifest', 'HEAD'],
    ['blob', 'GET'],
    ['tags', 'GET'],
    ['referrers', 'GET'],
    ['blob-upload', 'GET'],
  ] as const)('should need pull for %s %s', (route, method) => {
    expect(requiredAccess(route, method, 'a/b', q()).required).toEqual([{ type: 'repository', name: 'a/b', actions: ['pull'] }]);
  });

  it.each([
    ['manifest', 'PUT'],
    ['blob-upload-start', 'POST'],
    ['blob-upload', 'PATCH'],
    ['blob-upload', 'PUT'],
    ['blob-upload', 'DELETE'],
  ] as const)('should need pull and push for %s %s', (route, method) => {
    expect(requiredAccess(route, method, 'a/b', q()).required).toEqual([{ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }]);
  });

  it('should need delete for manifest and blob deletes', () => {
    expect(requiredAccess('manifest', 'DELETE', 'a', q()).required[0]?.actions).toEqual(['delete']);
    expect(requiredAccess('blob', 'DELETE', 'a', q()).required[0]?.actions).toEqual(['delete']);
  });

  it('should ask for pull on the mount source as optional access', () => {
    const access = requiredAccess('blob-upload-start', 'POST', 'dst', q('mount=sha256:x&from=src'));
    expect(access.optional).toEqual([{ type: 'repository', name: 'src', actions: ['pull'] }]);
  });
});
