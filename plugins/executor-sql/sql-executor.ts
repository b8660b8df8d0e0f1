import type { Kysely } from 'kysely';
import type { ExecutionContext, Executor, JsonObject, Task } from '../../core/index.ts';
import { cancelStatement, sessionId, type AnyDatabase, type SqlConnections } from './connections.ts';
import { readSqlTaskConfig } from './executor-config.ts';
import type { SqlDialect } from './named-params.ts';
import { classifySqlError } from './sql-errors.ts';
import { batchInsert, runStatement } from './statements.ts';

/**
 * The database executor: `execute_sql` (a named statement, parameters bound) and
 * `batch_insert` (rows into a configured table), on MySQL / MariaDB or PostgreSQL.
 */
export class SqlExecutor implements Executor {
  constructor(
    readonly type: string,
    readonly taskTypes: readonly string[],
    private readonly connections: SqlConnections,
    private readonly defaultMaxRows: number,
  ) {}

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonObject> {
    const config = readSqlTaskConfig(ctx.taskType.executorConfig, task.taskType);
    const { dialect, db } = this.connections.get(config.connection);
    const signal = ctx.signal;
    try {
      return await onOneSession(db, dialect, signal, (session) =>
        config.operation === 'batch_insert'
          ? batchInsert(session, dialect, config, task.payload, this.defaultMaxRows)
          : runStatement(session, dialect, config, task.payload, this.defaultMaxRows),
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw classifySqlError(error);
    }
  }

  close(): Promise<void> {
    return this.connections.closeAll();
  }
}

/**
 * Runs `work` on one pooled session whose statement a timeout or cancel stops on the server
 * (not only in this process), so an aborted task does not leave a query running.
 */
async function onOneSession<T>(
  db: Kysely<AnyDatabase>,
  dialect: SqlDialect,
  signal: AbortSignal,
  work: (session: Kysely<AnyDatabase>) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  return db.connection().execute(async (session) => {
    const id = await sessionId(session, dialect);
    const cancel = () => void cancelStatement(db, dialect, id).catch(() => undefined);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      signal.throwIfAborted();
      const result = await work(session);
      // A cancelled MySQL SLEEP() returns normally: the abort still decides.
      signal.throwIfAborted();
      return result;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  });
}
