import { z } from 'zod';
import { NonRetryableError, type JsonObject } from '../../core/index.ts';

/** A plain SQL identifier: letters, digits and underscores, not starting with a digit. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const identifier = z.string().regex(IDENTIFIER, 'an identifier of letters, digits and _ (not starting with a digit)');
/** `table` or `schema.table`. */
const tableName = z.string().refine((name) => {
  const parts = name.split('.');
  return parts.length <= 2 && parts.every((part) => IDENTIFIER.test(part));
}, 'a table name: `table` or `schema.table`, each of letters, digits and _');

const statementSchema = z.union([
  z.string().min(1),
  z.object({ sql: z.string().min(1), maxRows: z.int().min(0).max(1_000_000).optional() }),
]);

const common = {
  /** A connection name from the plugin's options; `default` is the `url` option. */
  connection: z.string().min(1).default('default'),
  /** Rows returned (execute) or accepted (batch insert) per task; the plugin's maxRows by default. */
  maxRows: z.int().min(0).max(1_000_000).optional(),
};

const executeSchema = z.strictObject({
  ...common,
  operation: z.literal('execute_sql').optional(),
  /** The statements tasks may run, by name, with `:name` placeholders. */
  statements: z.record(identifier, statementSchema).default({}),
  /** Lets a task's payload carry its own SQL text (`payload.sql`). Off unless a type opts in. */
  allowRawSql: z.boolean().default(false),
});

const batchInsertSchema = z.strictObject({
  ...common,
  operation: z.literal('batch_insert').optional(),
  table: tableName,
  columns: z.array(identifier).min(1).max(1000),
});

export type ExecuteConfig = z.output<typeof executeSchema> & { operation: 'execute_sql' };
export type BatchInsertConfig = z.output<typeof batchInsertSchema> & { operation: 'batch_insert' };
export type SqlTaskConfig = ExecuteConfig | BatchInsertConfig;

/**
 * The task type's executorConfig: a `table` with `columns` makes it a batch insert, otherwise
 * it runs named statements. Every identifier and statement comes from here (config), never
 * from a task's payload, unless `allowRawSql` says so.
 */
export function readSqlTaskConfig(executorConfig: JsonObject, taskType: string): SqlTaskConfig {
  const isInsert =
    executorConfig.operation === 'batch_insert' ||
    (executorConfig.operation === undefined && executorConfig.table !== undefined);
  const parsed = isInsert ? batchInsertSchema.safeParse(executorConfig) : executeSchema.safeParse(executorConfig);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NonRetryableError(
      `task type ${taskType}: executorConfig.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { ...parsed.data, operation: isInsert ? 'batch_insert' : 'execute_sql' } as SqlTaskConfig;
}

export function statementOf(
  config: ExecuteConfig,
  name: string,
): { sql: string; maxRows: number | undefined } | undefined {
  const statement = Object.hasOwn(config.statements, name) ? config.statements[name] : undefined;
  if (statement === undefined) return undefined;
  return typeof statement === 'string'
    ? { sql: statement, maxRows: undefined }
    : { sql: statement.sql, maxRows: statement.maxRows };
}
