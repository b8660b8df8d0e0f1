import type { Kysely } from 'kysely';
import type { WorkerInfo } from '../../core/index.ts';
import type { Database } from '../../lib/sql-storage/database.ts';
import { workerFromRow, workerRow } from '../../lib/sql-storage/row-mapping.ts';
import { decodeWorkerRow, encodeJsonText } from './nul-escape.ts';

type Db = Kysely<Database>;

function encodedWorkerRow(worker: WorkerInfo, now: Date) {
  const row = workerRow(worker, worker.createdAt ?? now, worker.updatedAt ?? now);
  return { ...row, supported_types: encodeJsonText(row.supported_types) };
}

/** Insert or refresh by worker_id (ON CONFLICT); the first created_at is kept for worker history. */
export async function upsertWorker(db: Db, worker: WorkerInfo, now: Date): Promise<void> {
  await db
    .insertInto('worker_registry')
    .values(encodedWorkerRow(worker, now))
    .onConflict((oc) =>
      oc.column('worker_id').doUpdateSet((eb) => ({
        worker_name: eb.ref('excluded.worker_name'),
        address: eb.ref('excluded.address'),
        status: eb.ref('excluded.status'),
        capacity: eb.ref('excluded.capacity'),
        current_load: eb.ref('excluded.current_load'),
        supported_types: eb.ref('excluded.supported_types'),
        weight: eb.ref('excluded.weight'),
        last_heartbeat: eb.ref('excluded.last_heartbeat'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
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
  return rows.map((row) => workerFromRow(decodeWorkerRow(row)));
}
