import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../core/index.ts';
import { bindNamedParameters } from './named-params.ts';

describe('bindNamedParameters', () => {
  it('MySQL: one ? per occurrence, values in order', () => {
    expect(
      bindNamedParameters(
        'UPDATE t SET a = :a, b = :b WHERE id = :id OR parent = :id',
        { a: 1, b: 'x', id: 7 },
        'mysql',
      ),
    ).toEqual({
      text: 'UPDATE t SET a = ?, b = ? WHERE id = ? OR parent = ?',
      values: [1, 'x', 7, 7],
    });
  });

  it('PostgreSQL: $n, a repeated name reuses its position; :: casts are left alone', () => {
    expect(bindNamedParameters('SELECT :v::text AS v, :n::int + :n AS n', { v: 'a', n: 2 }, 'postgres')).toEqual({
      text: 'SELECT $1::text AS v, $2::int + $2 AS n',
      values: ['a', 2],
    });
  });

  it('skips quoted strings, quoted identifiers, comments and dollar-quoted bodies', () => {
    const mysql = "SELECT ':no', `:no`, \"it\\'s :no\" -- :no\n, :yes /* :no */ # :no\n";
    expect(bindNamedParameters(mysql, { yes: 1 }, 'mysql')).toEqual({ text: mysql.replace(':yes', '?'), values: [1] });
    const postgres = "SELECT 'a '':no''', \":no\", $$ :no $$, $tag$ :no $tag$, :yes";
    expect(bindNamedParameters(postgres, { yes: 1 }, 'postgres')).toEqual({
      text: postgres.replace(':yes', '$1'),
      values: [1],
    });
  });

  it('values never enter the text; objects travel as JSON text; scalar arrays stay lists', () => {
    const hostile = "x'); DROP TABLE users; --";
    const bound = bindNamedParameters(
      'INSERT INTO t (a, doc, tags) VALUES (:a, :doc, :tags)',
      { a: hostile, doc: { id: 1 }, tags: ['p', 'q'] },
      'mysql',
    );
    expect(bound.text).toBe('INSERT INTO t (a, doc, tags) VALUES (?, ?, ?)');
    expect(bound.values).toEqual([hostile, '{"id":1}', ['p', 'q']]);
  });

  it('a placeholder without a parameter, or a parameter without a placeholder, is a non-retryable error', () => {
    expect(() => bindNamedParameters('SELECT :a', {}, 'mysql')).toThrow(NonRetryableError);
    expect(() => bindNamedParameters('SELECT :a', {}, 'mysql')).toThrow(/:a is missing/);
    expect(() => bindNamedParameters('SELECT :a', { a: 1, b: 2 }, 'postgres')).toThrow(/no placeholder .*:b/);
  });
});
