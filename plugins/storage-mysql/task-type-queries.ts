import { sql, type Kysely } from 'kysely';
import type { TaskTypeConfig } from '../../core/index.ts';
import { chunkForStatements } from './batching.ts';
import type { Database, TaskConfigTable } from '../../lib/sql-storage/database.ts';
import { taskTypeFromRow, taskTypeRow } from '../../lib/sql-storage/row-mapping.ts';

type Db = Kysely<Database>;

/** `col = VALUES(col)`: the row-alias form is MySQL-only, VALUES() runs on MySQL 8 and MariaDB. */
const fromInserted = <T>(column: keyof TaskConfigTable & string) => sql<T>`VALUES(${sql.ref(column)})`;

export async function listTaskTypes(db: Db): Promise<TaskTypeConfig[]> {
  const rows = await db.selectFrom('task_config').selectAll().orderBy('task_type', 'asc').execute();
  return rows.map(taskTypeFromRow);
}

export async function getTaskType(db: Db, taskType: string): Promise<TaskTypeConfig | undefined> {
  const row = await db.selectFrom('task_config').selectAll().where('task_type', '=', taskType).executeTakeFirst();
  return row && taskTypeFromRow(row);
}

/** Insert or replace by task_type (uk_task_type); created_at of an existing row is kept. */
export async function upsertTaskTypes(db: Db, configs: readonly TaskTypeConfig[], at: Date): Promise<void> {
  for (const chunk of chunkForStatements(configs)) {
    await db
      .insertInto('task_config')
      .values(chunk.map((config) => taskTypeRow(config, at)))
      .onDuplicateKeyUpdate({
        task_name: fromInserted('task_name'),
        description: fromInserted('description'),
        executor_type: fromInserted('executor_type'),
        executor_config: fromInserted('executor_config'),
        default_timeout: fromInserted('default_timeout'),
        default_max_retry: fromInserted('default_max_retry'),
        retry_strategy: fromInserted('retry_strategy'),
        retry_delay: fromInserted('retry_delay'),
        backoff_rate: fromInserted('backoff_rate'),
        max_concurrent: fromInserted('max_concurrent'),
        enabled: fromInserted('enabled'),
        updated_at: fromInserted('updated_at'),
      })
      .execute();
  }
}
