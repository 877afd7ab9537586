import { describe, expect, it } from 'vitest';
import { explainInvalidPath, explainInvalidUsername, parentPath } from './names.js';

describe('usernames', () => {
  it('should accept GitLab-style usernames', () => {
    for (const name of ['al', 'alice', 'Alice.B', 'a_b-c', '_x', 'x'.repeat(255)]) expect(explainInvalidUsername(name)).toBeNull();
  });

  it('should refuse too short, too long, bad characters and a leading dash or dot', () => {
    expect(explainInvalidUsername('a')).toMatch(/too short/);
    expect(explainInvalidUsername('x'.repeat(256))).toMatch(/at most 255/);
    expect(explainInvalidUsername('-alice')).toMatch(/starts with "-"/);
    expect(explainInvalidUsername('.alice')).toMatch(/starts with "."/);
    expect(explainInvalidUsername('al ice')).toMatch(/contains " "/);
    expect(explainInvalidUsername('al+ice')).toMatch(/contains "\+"/);
  });

  it('should reserve the CI login names', () => {
    expect(explainInvalidUsername('gitlab-ci-token')).toMatch(/reserved/);
    expect(explainInvalidUsername('Wharf-CI-Token')).toMatch(/reserved/);
  });
});

describe('namespace paths', () => {
  it('should accept lowercase segments with single separators', () => {
    for (const path of ['team', 'team/sub', 'my-team/a.b/c_d', '0/1']) expect(explainInvalidPath(path, 'group')).toBeNull();
    expect(explainInvalidPath('team/app', 'project')).toBeNull();
  });

  it('should refuse uppercase, doubled or edge separators and empty segments', () => {
    expect(explainInvalidPath('Team', 'group')).toMatch(/uppercase/);
    expect(explainInvalidPath('a--b', 'group')).toMatch(/only between/);
    expect(explainInvalidPath('-a', 'group')).toMatch(/only between/);
    expect(explainInvalidPath('a/', 'group')).toMatch(/empty/);
    expect(explainInvalidPath('a//b', 'group')).toMatch(/empty/);
  });

  it('should require a group in a project path', () => {
    expect(explainInvalidPath('app', 'project')).toMatch(/has no group/);
  });

  it('should give the parent of a path', () => {
    expect(parentPath('a/b/c')).toBe('a/b');
    expect(parentPath('a')).toBeNull();
  });
});
