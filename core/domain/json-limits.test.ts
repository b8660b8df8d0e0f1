import { describe, expect, it } from 'vitest';
import { boundedText, findJsonProblem, MAX_JSON_DEPTH } from './json-limits.ts';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('findJsonProblem', () => {
  it('accepts documents up to the depth limit and refuses one level more, naming the path', () => {
    expect(findJsonProblem(nested(MAX_JSON_DEPTH), 'payload')).toBeUndefined();
    const problem = findJsonProblem({ deep: nested(MAX_JSON_DEPTH) }, 'payload');
    expect(problem?.message).toContain(`deeper than ${MAX_JSON_DEPTH}`);
    expect(problem?.path).toMatch(/^payload\.deep/);
  });

  it('walks a 1 000 000-deep document without overflowing the stack', () => {
    expect(findJsonProblem(nested(1_000_000), 'result')?.message).toContain('deeper');
  });

  it('finds lone surrogates in strings and keys, anywhere', () => {
    expect(findJsonProblem({ list: ['ok', 'bad\ud800'] }, 'payload')).toEqual({
      path: 'payload.list[1]',
      message: expect.stringContaining('lone UTF-16 surrogate'),
    });
    expect(findJsonProblem({ ['k\udc00']: 1 }, 'payload')?.path).toBe('payload.k\udc00');
    expect(findJsonProblem({ emoji: '😀', pair: '\ud83d\ude00' }, 'payload')).toBeUndefined();
  });

  it('refuses bigints and, with a budget, documents that are too large', () => {
    expect(findJsonProblem({ n: 10n }, 'result')?.path).toBe('result.n');
    expect(findJsonProblem({ s: 'x'.repeat(100) }, 'result', { maxChars: 50 })?.message).toContain('larger than');
    expect(findJsonProblem({ s: 'x'.repeat(10) }, 'result', { maxChars: 50 })).toBeUndefined();
    expect(findJsonProblem({ at: new Date(0), f: () => 1, u: undefined }, 'result')).toBeUndefined();
  });
});

describe('boundedText', () => {
  it('keeps short text, replaces lone surrogates and cuts long text on a code point', () => {
    expect(boundedText('short', 100)).toBe('short');
    expect(boundedText('a\ud800b', 100)).toBe('a\ufffdb');
    const cut = boundedText('😀'.repeat(100), 61);
    expect(cut.length).toBeLessThanOrEqual(61);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut).toMatch(/more characters\)$/);
  });
});
