import { describe, expect, it } from 'vitest';
import { CleanupPolicyError } from './errors.js';
import { compileTagPattern, MAX_PATTERN_LENGTH } from './patterns.js';

const matching = (source: string, tags: string[]) => tags.filter((t) => compileTagPattern(source, 'name_regex').matches(t));

describe('tag patterns', () => {
  const tags = ['latest', 'v1', 'v1.2.3', 'v', 'master', 'master-abc', 'my-master', 'release', 'release-1', 'feature-x'];

  it('should match every tag with .*', () => {
    expect(matching('.*', tags)).toEqual(tags);
  });

  it('should match tags starting with v with v.+', () => {
    expect(matching('v.+', tags)).toEqual(['v1', 'v1.2.3']);
  });

  it('should match only the whole name with master, as GitLab anchors patterns', () => {
    expect(matching('master', tags)).toEqual(['master']);
  });

  it('should match alternatives with (?:v.+|master|release)', () => {
    expect(matching('(?:v.+|master|release)', tags)).toEqual(['v1', 'v1.2.3', 'master', 'release']);
  });

  it('should anchor every alternative of an ungrouped alternation', () => {
    expect(matching('v.+|master', tags)).toEqual(['v1', 'v1.2.3', 'master']);
  });

  it('should refuse an invalid pattern naming the field', () => {
    for (const field of ['name_regex', 'name_regex_keep', 'name_regex_delete'] as const) {
      const error = (() => {
        try {
          compileTagPattern('(unclosed', field);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(CleanupPolicyError);
      expect((error as CleanupPolicyError).field).toBe(field);
      expect((error as CleanupPolicyError).message).toMatch(new RegExp(`^${field}: invalid pattern`));
    }
  });

  it('should refuse what RE2 cannot match in linear time: backreferences and lookarounds', () => {
    for (const source of ['(a)\\1', '(?=v)v.*', '(?<!x)y', '(?!master).*']) {
      expect(() => compileTagPattern(source, 'name_regex_keep')).toThrow(/name_regex_keep: invalid pattern/);
    }
  });

  it('should refuse an unbalanced pattern that wrapping in a group would have made valid', () => {
    expect(() => compileTagPattern('a)(b', 'name_regex')).toThrow(CleanupPolicyError);
  });

  it('should refuse a pattern longer than the limit', () => {
    expect(() => compileTagPattern('a'.repeat(MAX_PATTERN_LENGTH + 1), 'name_regex')).toThrow(/at most 255/);
    expect(compileTagPattern('a'.repeat(MAX_PATTERN_LENGTH), 'name_regex').matches('a'.repeat(255))).toBe(true);
  });
});

describe('tag patterns against catastrophic backtracking', () => {
  // Fastest of several runs, so a busy machine (which only ever adds time) cannot inflate it.
  const fastest = (run: () => void, times = 5) => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < times; i++) {
      const start = performance.now();
      run();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };

  it('should match (a+)+$ against a long non-matching name in linear time', () => {
    const pattern = compileTagPattern('(a+)+$', 'name_regex');
    const input = (n: number) => `${'a'.repeat(n)}b`;
    // A backtracking engine would never return from this call (2^50000 paths).
    expect(pattern.matches(input(50_000))).toBe(false);
    expect(pattern.matches('a'.repeat(50_000))).toBe(true);

    // Doubling the input roughly doubles the time; quadratic would quadruple it. Timing on a
    // shared machine is noisy, so a linear engine only has to show it once in a few attempts,
    // while a quadratic one would fail every attempt.
    const n = 50_000;
    const inputs = [input(n), input(2 * n)] as const;
    fastest(() => pattern.matches(inputs[1])); // warm up the JIT and the DFA cache
    const ratios: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const single = fastest(() => pattern.matches(inputs[0]));
      const double = fastest(() => pattern.matches(inputs[1]));
      ratios.push(double / Math.max(single, 0.01));
      if (ratios.at(-1)! <= 3) break;
    }
    expect(Math.min(...ratios)).toBeLessThanOrEqual(3);
  });
});
