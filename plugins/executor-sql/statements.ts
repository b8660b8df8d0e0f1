import { CompiledQuery, type Kysely } from 'kysely';
import { NonRetryableError, type JsonObject, type JsonValue } from '../../core/index.ts';
import type { AnyDatabase } from './connections.ts';
import { statementOf, type BatchInsertConfig, type ExecuteConfig } from './executor-config.ts';
import { bindableValue, bindNamedParameters, type SqlDialect } from './named-params.ts';
import { jsonRows } from './result-rows.ts';

/** Bound parameters per INSERT statement, well under PostgreSQL's 65 535 and any packet limit. */
const MAX_PARAMETERS_PER_INSERT = 30_000;

function objectOrEmpty(value: JsonValue | undefined, what: string): JsonObject {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new NonRetryableError(`${what} must be an object`);
  return value;
}

/**
 * execute_sql: the statement named by `payload.statement` (or, only where the task type sets
 * allowRawSql, the text in `payload.sql`), with `payload.params` bound to its `:name`
 * placeholders. → `{rows_affected}`, plus `rows` (at most maxRows, `truncated` when cut) for a
 * statement that returns rows.
 */
export async function runStatement(
  db: Kysely<AnyDatabase>,
  dialect: SqlDialect,
  config: ExecuteConfig,
  payload: JsonObject,
  defaultMaxRows: number,
): Promise<JsonObject> {
  let text: string;
  let maxRows = config.maxRows ?? defaultMaxRows;
  if (payload.sql !== undefined) {
    if (!config.allowRawSql) {
      throw new NonRetryableError(
        'this task type runs named statements only (payload.statement); SQL text in payload.sql needs allowRawSql: true on the task type',
      );
    }
    if (typeof payload.sql !== 'string' || payload.sql.trim() === '')
      throw new NonRetryableError('payload.sql must be SQL text');
    if (payload.statement !== undefined) throw new NonRetryableError('give payload.statement or payload.sql, not both');
    text = payload.sql;
  } else {
    if (typeof payload.statement !== 'string') {
      throw new NonRetryableError(
        `payload.statement must name a statement of this task type (${Object.keys(config.statements).join(', ') || 'none configured'})`,
      );
    }
    const statement = statementOf(config, payload.statement);
    if (!statement) {
      throw new NonRetryableError(
        `unknown statement "${payload.statement}"; this task type has: ${Object.keys(config.statements).join(', ') || 'none'}`,
      );
    }
    text = statement.sql;
    maxRows = statement.maxRows ?? maxRows;
  }
  const bound = bindNamedParameters(text, objectOrEmpty(payload.params, 'payload.params'), dialect);
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(bound.text, bound.values));
  const affected = Number(result.numAffectedRows ?? 0n);
  const returnsRows = result.numAffectedRows === undefined || result.rows.length > 0;
  if (!returnsRows) return { rows_affected: affected };
  const out: JsonObject = { rows_affected: affected, rows: jsonRows(result.rows.slice(0, maxRows)) };
  if (result.rows.length > maxRows) out.truncated = true;
  return out;
}

/**
 * batch_insert: `payload.rows` (objects keyed by column) into the table and columns the task
 * type names; a column a row leaves out gets its default. One multi-row INSERT, or several in
 * one transaction when the batch is large, so the batch lands whole or not at all.
 */
export async function batchInsert(
  db: Kysely<AnyDatabase>,
  dialect: SqlDialect,
  config: BatchInsertConfig,
  payload: JsonObject,
  defaultMaxRows: number,
): Promise<JsonObject> {
  const maxRows = config.maxRows ?? defaultMaxRows;
  const { rows } = payload;
  if (!Array.isArray(rows))
    throw new NonRetryableError('payload.rows must be an array of rows (objects keyed by column)');
  if (rows.length > maxRows)
    throw new NonRetryableError(`payload.rows has ${rows.length} rows; this task type accepts at most ${maxRows}`);
  if (rows.length === 0) return { rows_affected: 0 };
  const allowed = new Set(config.columns);
  const values = rows.map((row, index) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new NonRetryableError(`payload.rows[${index}] must be an object keyed by column`);
    const record: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (!allowed.has(column))
        throw new NonRetryableError(
          `payload.rows[${index}].${column} is not one of the columns ${config.columns.join(', ')}`,
        );
      record[column] = bindableValue(value, dialect);
    }
    if (Object.keys(record).length === 0) throw new NonRetryableError(`payload.rows[${index}] has no column`);
    return record;
  });
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS_PER_INSERT / config.columns.length));
  const insertAll = async (target: Kysely<AnyDatabase>) => {
    let affected = 0;
    for (let start = 0; start < values.length; start += perStatement) {
      const result = await target
        .insertInto(config.table)
        .values(values.slice(start, start + perStatement))
        .executeTakeFirst();
      affected += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return affected;
  };
  const affected = values.length <= perStatement ? await insertAll(db) : await db.transaction().execute(insertAll);
  return { rows_affected: affected };
}
