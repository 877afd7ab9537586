import { describe, expect, it } from 'vitest';
import { decodeCursor, keysetPage } from './keyset.js';
import { everythingVisible, filterVisible, VISIBILITY_BATCH, type VisibilityFilter } from './visibility.js';

describe('filterVisible', () => {
  it('should ask in bounded batches and keep only the names the filter returns, in order', async () => {
    const names = Array.from({ length: VISIBILITY_BATCH * 2 + 5 }, (_, i) => `team/r${String(i).padStart(4, '0')}`);
    const asked: number[] = [];
    const evenOnly: VisibilityFilter = async (batch) => {
      asked.push(batch.length);
      // Names it was not asked about must not sneak in.
      return [...batch.filter((_, i) => i % 2 === 0), 'team/injected'];
    };
    const visible = await filterVisible(names, (n) => n, evenOnly);
    expect(Math.max(...asked)).toBeLessThanOrEqual(VISIBILITY_BATCH);
    expect(asked.reduce((a, b) => a + b, 0)).toBe(names.length);
    expect(visible).not.toContain('team/injected');
    expect(visible.length).toBe(Math.ceil(VISIBILITY_BATCH / 2) * 2 + 3);
    expect([...visible]).toEqual([...visible].sort());
  });

  it('should not call the filter of callers who see everything', async () => {
    expect(await filterVisible(['a/b'], (n) => n, everythingVisible)).toEqual(['a/b']);
  });

  it('should page only visible items, so no cursor names a hidden one', async () => {
    const names = ['a/1', 'a/2-hidden', 'a/3', 'a/4-hidden', 'a/5-hidden'];
    const visible = await filterVisible(
      names,
      (n) => n,
      async (batch) => batch.filter((n) => !n.includes('hidden')),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = keysetPage(
        visible,
        (n) => n,
        (n) => n,
        'desc',
        1,
        cursor,
      );
      seen.push(...page.items);
      if (page.next === null) break;
      expect(decodeCursor(page.next).n).not.toContain('hidden');
      cursor = page.next;
    }
    expect(seen).toEqual(['a/3', 'a/1']);
  });
});
