import type { Kysely, Transaction } from 'kysely';
import type { CreateTaskInput, NewTask, TaskService } from '../../core/index.ts';

/** A transaction of the caller's kysely instance, whatever its schema. */
// biome-ignore lint/suspicious/noExplicitAny: the caller's own kysely schema, whatever it is
export type CallerKysely = Transaction<any>;

/** Writes prepared tasks and their first logs through the caller's open transaction; the ids written. */
export type PreparedTaskWriter<C> = (conn: C | CallerKysely, tasks: readonly NewTask[]) => Promise<string[]>;

/**
 * Transactional enqueue for applications that embed the task manager on a SQL storage
 * (docs/operations.md, "Transactional enqueue"): tasks are created inside the application's own
 * transaction, so they exist if and only if it commits, and are queued right after the commit.
 * Each storage plugin gives the writer for its database (storage-mysql and storage-postgres
 * export `transactionalEnqueue` made with theirs).
 *
 * ```ts
 * const outbox = transactionalEnqueue(app.services.tasks);
 * await outbox.run(db, async (trx, enqueue) => {
 *   await trx.insertInto('orders').values(order).execute();
 *   await enqueue([{ taskType: 'send_receipt', payload: { orderId: order.id } }]);
 * });
 * ```
 *
 * `add` + `committed` are the same in two steps, for a transaction the caller commits itself
 * (a driver connection). A process that dies between its commit and `committed` leaves the
 * tasks PENDING in no queue: the leader's reconciliation queues them (scheduler.reconcileGrace).
 */
export function transactionalEnqueueWith<C>(insertPreparedTasks: PreparedTaskWriter<C>) {
  return (tasks: TaskService) => {
    /** Validates and writes the tasks through `conn` (inside the caller's open transaction); returns their ids. */
    const add = async (conn: C | CallerKysely, inputs: readonly CreateTaskInput[]): Promise<string[]> => {
      const prepared = await tasks.prepare(inputs);
      await insertPreparedTasks(conn, prepared);
      return prepared.map((t) => t.taskId);
    };
    return {
      add,
      /** After the commit: queues the tasks at once (no waiting for reconciliation). Returns how many. */
      committed(taskIds: readonly string[]): Promise<number> {
        return tasks.announce(taskIds);
      },
      /**
       * Runs `work` in a transaction of the caller's kysely instance, commits it, then queues the
       * tasks `work` enqueued. A rollback (an error in `work`) creates none.
       */
      // biome-ignore lint/suspicious/noExplicitAny: the caller's own kysely schema
      async run<T, DB = any>(
        db: Kysely<DB>,
        work: (trx: Transaction<DB>, enqueue: (inputs: readonly CreateTaskInput[]) => Promise<string[]>) => Promise<T>,
      ): Promise<T> {
        const ids: string[] = [];
        const result = await db.transaction().execute((trx) =>
          work(trx, async (inputs) => {
            const added = await add(trx, inputs);
            ids.push(...added);
            return added;
          }),
        );
        if (ids.length > 0) await tasks.announce(ids);
        return result;
      },
    };
  };
}
