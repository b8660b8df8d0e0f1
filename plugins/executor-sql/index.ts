import { z } from 'zod';
import { definePlugin, integer, type Plugin } from '../../core/index.ts';
import { SqlConnections } from './connections.ts';
import { SqlExecutor } from './sql-executor.ts';

const optionsSchema = z.object({
  /** Executor type (task types' `executorType`). */
  type: z.string().min(1).default('sql'),
  /** Task types served; by default every configured task type whose executorType is `type`. */
  taskTypes: z.array(z.string().min(1)).optional(),
  /** The `default` connection: mysql://, mariadb://, postgres:// or postgresql:// URL. */
  url: z.string().min(1).optional(),
  /** More connections by name (task types pick one with executorConfig.connection). */
  connections: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Connections per pool. */
  poolSize: integer(1, 1000).default(5),
  /** Rows a statement returns in the result, and rows a batch insert accepts, unless the task type says otherwise. */
  maxRows: integer(0, 1_000_000).default(1000),
});
export type SqlExecutorOptions = z.input<typeof optionsSchema>;

/** The `sql` executor: named statements and batch inserts on MySQL / MariaDB and PostgreSQL. */
export function sqlExecutor(options: SqlExecutorOptions = {}): Plugin {
  return definePlugin({
    name: options.type === undefined || options.type === 'sql' ? 'executor-sql' : `executor-sql:${options.type}`,
    setup(ctx) {
      const settings = ctx.section('sql', optionsSchema, options);
      const taskTypes = ctx.taskTypesServedBy(settings.type, settings.taskTypes);
      const urls = { ...settings.connections, ...(settings.url ? { default: settings.url } : {}) };
      ctx.registerExecutor(
        new SqlExecutor(settings.type, taskTypes, new SqlConnections(urls, settings.poolSize), settings.maxRows),
      );
    },
  });
}
