import { describe, expect, it } from 'vitest';
import { parseRepositoryId, repositoryId } from './repository-ids.js';

describe('repositoryId', () => {
  it('should give the same safe integer for a name every time, and different ones for different names', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `group-${i % 7}/project-${i}/image`);
    const ids = names.map(repositoryId);
    for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(new Set(ids).size).toBe(names.length);
    expect(names.map(repositoryId)).toEqual(ids);
    expect(JSON.parse(JSON.stringify(ids))).toEqual(ids);
  });
});

describe('parseRepositoryId', () => {
  it('should take decimal ids and refuse everything else', () => {
    const id = repositoryId('team/app');
    expect(parseRepositoryId(String(id))).toBe(id);
    for (const bad of [undefined, '', '0', '-1', '01', '1.5', 'abc', '99999999999999999', 'team%2Fapp'])
      expect(parseRepositoryId(bad), String(bad)).toBeNull();
  });
});
