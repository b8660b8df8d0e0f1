import pc from 'picocolors';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from './exit-codes.ts';
import * as flag from './flags.ts';
import { compactJson, duration, relativeTime } from './format.ts';
import { renderTable } from './table.ts';

const NOW = Date.parse('2026-01-01T10:00:00.000Z');
const colors = pc.createColors(true);

describe('relativeTime', () => {
  it('says how long ago, or how long until, in the largest whole unit', () => {
    expect(relativeTime('2026-01-01T09:59:57.000Z', NOW)).toBe('3 s ago');
    expect(relativeTime('2026-01-01T10:00:00.000Z', NOW)).toBe('0 s ago');
    expect(relativeTime('2026-01-01T09:55:00.000Z', NOW)).toBe('5 min ago');
    expect(relativeTime('2026-01-01T07:30:00.000Z', NOW)).toBe('2 h ago');
    expect(relativeTime('2025-12-29T10:00:00.000Z', NOW)).toBe('3 d ago');
    expect(relativeTime('2026-01-01T10:00:42.000Z', NOW)).toBe('in 42 s');
    expect(relativeTime(null, NOW)).toBe('-');
  });
});

describe('duration and compactJson', () => {
  it('reads like a person writes it', () => {
    expect(duration(350)).toBe('350 ms');
    expect(duration(1_240)).toBe('1.2 s');
    expect(duration(185_000)).toBe('3 min 5 s');
    expect(compactJson({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(compactJson({ long: 'x'.repeat(50) }, 12)).toBe('{"long":"xx…');
  });
});

describe('renderTable', () => {
  it('aligns columns on visible width, colour codes included, numbers to the right', () => {
    const rows = [
      { name: 'alpha', status: colors.green('SUCCESS'), n: 5 },
      { name: 'b', status: colors.red('FAILED'), n: 120 },
    ];
    const lines = renderTable(rows, [
      { header: 'NAME', cell: (r) => r.name },
      { header: 'N', cell: (r) => String(r.n), align: 'right' },
      { header: 'STATUS', cell: (r) => r.status },
    ]);
    expect(lines.map((line) => stripVTControlCharacters(line))).toEqual([
      'NAME     N  STATUS',
      'alpha    5  SUCCESS',
      'b      120  FAILED',
    ]);
    expect(lines[1]).toContain('\x1b[32mSUCCESS\x1b[39m');
  });
});

describe('option values', () => {
  it('parses numbers, whole numbers, seconds and JSON, or throws a UsageError naming the flag', () => {
    expect(flag.number('1.5', '--delay')).toBe(1.5);
    expect(flag.number(undefined, '--delay')).toBeUndefined();
    expect(flag.integer('20', '--limit', 1)).toBe(20);
    expect(flag.json('{"a":1}', '--payload')).toEqual({ a: 1 });
    expect(flag.text(['a', 'b'], '--type')).toBe('b');
    expect(() => flag.number('soon', '--delay')).toThrow(new UsageError('--delay must be a number, not "soon"'));
    expect(() => flag.number('', '--delay')).toThrow(UsageError);
    expect(() => flag.integer('2.5', '--limit', 1)).toThrow(/--limit must be a whole number of at least 1/);
    expect(() => flag.positiveSeconds('0', '--timeout')).toThrow(/greater than 0/);
    expect(() => flag.json('{bad', '--payload')).toThrow(/--payload must be JSON/);
    expect(() => flag.text(true, '--status')).toThrow(/--status needs a value/);
  });
});
