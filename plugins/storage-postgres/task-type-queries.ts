import type { Kysely } from 'kysely';
import type { TaskTypeConfig } from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { taskTypeFromRow, taskTypeRow } from '../../lib/sql-storage/row-mapping.ts';
import { chunkForStatements } from '../../lib/sql-storage/statement-chunks.ts';
import { decodeTaskConfigRow, encodeJsonText, encodeText } from './nul-escape.ts';

type Db = Kysely<Database>;

export async function listTaskTypes(db: Db): Promise<TaskTypeConfig[]> {
  const rows = await db.selectFrom('task_config').selectAll().orderBy('task_type', 'asc').execute();
  return rows.map((row) => taskTypeFromRow(decodeTaskConfigRow(row)));
}

export async function getTaskType(db: Db, taskType: string): Promise<TaskTypeConfig | undefined> {
  const row = await db.selectFrom('task_config').selectAll().where('task_type', '=', taskType).executeTakeFirst();
  return row && taskTypeFromRow(decodeTaskConfigRow(row));
}

/** Insert or replace by task_type (ON CONFLICT on its unique key); created_at of an existing row is kept. */
export async function upsertTaskTypes(db: Db, configs: readonly TaskTypeConfig[], at: Date): Promise<void> {
  for (const chunk of chunkForStatements(configs)) {
    await db
      .insertInto('task_config')
      .values(
        chunk.map((config) => {
          const row = taskTypeRow(config, at);
          return {
            ...row,
            description: encodeText(row.description ?? null),
            executor_config: encodeJsonText(row.executor_config),
          };
        }),
      )
      .onConflict((oc) =>
        oc.column('task_type').doUpdateSet((eb) => ({
          task_name: eb.ref('excluded.task_name'),
          description: eb.ref('excluded.description'),
          executor_type: eb.ref('excluded.executor_type'),
          executor_config: eb.ref('excluded.executor_config'),
          default_timeout: eb.ref('excluded.default_timeout'),
          default_max_retry: eb.ref('excluded.default_max_retry'),
          retry_strategy: eb.ref('excluded.retry_strategy'),
          retry_delay: eb.ref('excluded.retry_delay'),
          backoff_rate: eb.ref('excluded.backoff_rate'),
          max_concurrent: eb.ref('excluded.max_concurrent'),
          enabled: eb.ref('excluded.enabled'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
