import { sql, type Kysely } from 'kysely';
import type { WorkerInfo } from '../../core/index.ts';
import type { Database, WorkerRegistryTable } from '../../lib/sql-storage/database.ts';
import { workerFromRow, workerRow } from '../../lib/sql-storage/row-mapping.ts';

type Db = Kysely<Database>;

const fromInserted = <T>(column: keyof WorkerRegistryTable & string) => sql<T>`VALUES(${sql.ref(column)})`;

/** Insert or refresh by worker_id; the first created_at is kept for worker history. */
export async function upsertWorker(db: Db, worker: WorkerInfo, now: Date): Promise<void> {
  await db
    .insertInto('worker_registry')
    .values(workerRow(worker, worker.createdAt ?? now, worker.updatedAt ?? now))
    .onDuplicateKeyUpdate({
      worker_name: fromInserted('worker_name'),
      address: fromInserted('address'),
      status: fromInserted('status'),
      capacity: fromInserted('capacity'),
      current_load: fromInserted('current_load'),
      supported_types: fromInserted('supported_types'),
      weight: fromInserted('weight'),
      last_heartbeat: fromInserted('last_heartbeat'),
      updated_at: fromInserted('updated_at'),
    })
    .execute();
}

export async function markWorkerOffline(db: Db, workerId: string, at: Date): Promise<void> {
  await db
    .updateTable('worker_registry')
    .set({ status: 'OFFLINE', updated_at: at })
    .where('worker_id', '=', workerId)
    .execute();
}

export async function listWorkers(db: Db): Promise<WorkerInfo[]> {
  const rows = await db.selectFrom('worker_registry').selectAll().orderBy('worker_id', 'asc').execute();
  return rows.map(workerFromRow);
}
