import { describe, expect, it } from 'vitest';
import { covers, formatScope, intersectAccess, MAX_SCOPES, parseScope, parseScopes } from './scope.js';

describe('parseScope', () => {
  it('should parse a repository scope with several actions', () => {
    expect(parseScope('repository:team/app:pull,push')).toEqual({ type: 'repository', name: 'team/app', actions: ['pull', 'push'] });
  });

  it('should ignore the deprecated resource class', () => {
    expect(parseScope('repository(plugin):team/app:pull')).toEqual({ type: 'repository', name: 'team/app', actions: ['pull'] });
  });

  it('should parse the catalog scope', () => {
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
  });

  it.each([
    ['an unknown action', 'repository:team/app:pull,admin'],
    ['no actions', 'repository:team/app:'],
    ['an unknown resource type', 'user:alice:pull'],
    ['a registry resource other than catalog', 'registry:everything:*'],
    ['a relative path segment', 'repository:team/../admin:pull'],
    ['an encoded relative segment', 'repository:team/%2e%2e/admin:pull'],
    ['a double slash', 'repository:team//app:pull'],
    ['uppercase letters', 'repository:Team/App:pull'],
    ['a name over 255 characters', `repository:${'a'.repeat(256)}:pull`],
    ['no name', 'repository::pull'],
    ['a missing part', 'repository:pull'],
  ])('should refuse a scope with %s', (_why, text) => {
    expect(parseScope(text)).toBeNull();
  });
});

describe('parseScopes', () => {
  it('should merge repeated scopes for the same repository', () => {
    expect(parseScopes(['repository:a/b:pull', 'repository:a/b:push', 'repository:a/b:pull'])).toEqual([
      { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
    ]);
  });

  it('should split space-separated scopes in one parameter', () => {
    expect(parseScopes(['repository:a/b:pull repository:c/d:push'])).toEqual([
      { type: 'repository', name: 'a/b', actions: ['pull'] },
      { type: 'repository', name: 'c/d', actions: ['push'] },
    ]);
  });

  it('should drop invalid scopes and keep the valid ones', () => {
    expect(parseScopes(['repository:a/b:pull', 'repository:A/B:push', 'garbage'])).toEqual([{ type: 'repository', name: 'a/b', actions: ['pull'] }]);
  });

  it('should keep at most MAX_SCOPES resources', () => {
    const many = Array.from({ length: MAX_SCOPES + 10 }, (_, i) => `repository:r${i}:pull`);
    expect(parseScopes(many)).toHaveLength(MAX_SCOPES);
  });
});

describe('intersectAccess', () => {
  const req = (name: string, ...actions: ('pull' | 'push' | 'delete' | '*')[]) => ({ type: 'repository' as const, name, actions });

  it('should keep only the requested actions that were granted', () => {
    expect(intersectAccess([req('a', 'pull', 'push')], [req('a', 'pull')])).toEqual([req('a', 'pull')]);
  });

  it('should never add a resource or an action that was not requested', () => {
    expect(intersectAccess([req('a', 'pull')], [req('a', 'pull', 'push', 'delete'), req('b', 'pull')])).toEqual([req('a', 'pull')]);
  });

  it('should let a granted * cover each requested action', () => {
    expect(intersectAccess([req('a', 'pull', 'delete')], [req('a', '*')])).toEqual([req('a', 'pull', 'delete')]);
  });

  it('should keep a requested * only when * itself was granted', () => {
    expect(intersectAccess([req('a', '*')], [req('a', 'pull', 'push', 'delete')])).toEqual([]);
    expect(intersectAccess([req('a', '*')], [req('a', '*')])).toEqual([req('a', '*')]);
  });

  it('should format a scope back to its text', () => {
    expect(formatScope(req('team/app', 'pull', 'push'))).toBe('repository:team/app:pull,push');
  });
});

describe('covers', () => {
  const granted = [{ type: 'repository' as const, name: 'a', actions: ['pull' as const] }];
  it('should cover granted actions only, on the same resource', () => {
    expect(covers(granted, { type: 'repository', name: 'a', actions: ['pull'] })).toBe(true);
    expect(covers(granted, { type: 'repository', name: 'a', actions: ['pull', 'push'] })).toBe(false);
    expect(covers(granted, { type: 'repository', name: 'b', actions: ['pull'] })).toBe(false);
  });

  it('should treat * as every action', () => {
    expect(covers([{ type: 'repository', name: 'a', actions: ['*'] }], { type: 'repository', name: 'a', actions: ['delete', 'push'] })).toBe(true);
  });
});
