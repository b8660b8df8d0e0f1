import { NonRetryableError, type JsonObject, type JsonValue } from '../../core/index.ts';

export type SqlDialect = 'mysql' | 'postgres';

export interface BoundStatement {
  /** The statement with the driver's placeholders (`?` on MySQL, `$n` on PostgreSQL). */
  text: string;
  values: unknown[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/**
 * Replaces `:name` placeholders by the driver's own, outside quoted strings, quoted
 * identifiers, comments and PostgreSQL's `::` casts and dollar-quoted bodies, and lists the
 * values in order: the statement text never contains a value. Every placeholder needs a
 * parameter and every parameter a placeholder (a typo fails instead of binding NULL).
 */
export function bindNamedParameters(sql: string, params: JsonObject, dialect: SqlDialect): BoundStatement {
  const values: unknown[] = [];
  const positions = new Map<string, number>();
  const used = new Set<string>();
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuotedOrComment(sql, i, dialect);
    if (skipped > i) {
      text += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    const char = sql[i] as string;
    if (char === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
      continue;
    }
    if (char === ':' && NAME_START.test(sql[i + 1] ?? '') && !NAME_PART.test(sql[i - 1] ?? '')) {
      let end = i + 2;
      while (end < sql.length && NAME_PART.test(sql[end] as string)) end++;
      const name = sql.slice(i + 1, end);
      if (!Object.hasOwn(params, name))
        throw new NonRetryableError(`parameter :${name} is missing from payload.params`);
      used.add(name);
      const value = bindableValue(params[name] as JsonValue, dialect);
      if (dialect === 'postgres') {
        let position = positions.get(name);
        if (position === undefined) {
          values.push(value);
          position = values.length;
          positions.set(name, position);
        }
        text += `$${position}`;
      } else {
        values.push(value);
        text += '?';
      }
      i = end;
      continue;
    }
    text += char;
    i++;
  }
  const unused = Object.keys(params).filter((name) => !used.has(name));
  if (unused.length > 0)
    throw new NonRetryableError(
      `payload.params has no placeholder in the statement: ${unused.map((n) => `:${n}`).join(', ')}`,
    );
  return { text, values };
}

/** Where the quoted string, quoted identifier or comment starting at `i` ends (or `i` when none starts). */
function skipQuotedOrComment(sql: string, i: number, dialect: SqlDialect): number {
  const char = sql[i];
  if (char === "'" || char === '"' || (char === '`' && dialect === 'mysql'))
    return endOfQuoted(sql, i, char, dialect === 'mysql');
  if (char === '-' && sql[i + 1] === '-') return lineEnd(sql, i);
  if (char === '#' && dialect === 'mysql') return lineEnd(sql, i);
  if (char === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  if (char === '$' && dialect === 'postgres') {
    const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(i));
    if (tag) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end < 0 ? sql.length : end + tag[0].length;
    }
  }
  return i;
}

function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
      continue;
    }
    if (char === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end < 0 ? sql.length : end + 1;
}

/**
 * A JSON value as a driver parameter. Objects always travel as JSON text: mysql2 would
 * otherwise expand an object into `key = value` pairs, changing the statement's shape. Arrays
 * of scalars stay arrays (a list for `IN (:ids)` on MySQL, an array for `= ANY(:ids)` on
 * PostgreSQL); nested ones travel as JSON text.
 */
export function bindableValue(value: JsonValue, dialect: SqlDialect): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    if (dialect === 'mysql' && value.length === 0)
      throw new NonRetryableError('an empty list cannot be bound on MySQL');
    return value;
  }
  return JSON.stringify(value);
}
