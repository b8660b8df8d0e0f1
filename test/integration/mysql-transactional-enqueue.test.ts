import { Kysely, MysqlDialect } from 'kysely';
import { createPool, type Pool } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { mysqlStorage, runMigrations, transactionalEnqueue } from '../../plugins/storage-mysql/index.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const mysql = await mysqlAvailability();

/** The embedding application's own table, in the task manager's database. */
interface AppDatabase {
  orders: { id: number; item: string };
}

describe.skipIf(!mysql.available)('transactional enqueue on MySQL (the caller’s own transaction)', () => {
  let database: TestDatabase;
  let pool: Pool;
  let db: Kysely<AppDatabase>;
  let app: TaskManager;
  const ran: unknown[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('tx_enqueue');
    await runMigrations(database.url);
    await database.admin.query(
      `CREATE TABLE \`${database.name}\`.orders (id INT PRIMARY KEY, item VARCHAR(64) NOT NULL) ENGINE=InnoDB`,
    );
    // The application's pool, in its own (non-UTC) time zone: the task's times must not shift.
    pool = createPool({ uri: database.url, connectionLimit: 4, timezone: '+05:00' });
    db = new Kysely<AppDatabase>({ dialect: new MysqlDialect({ pool }) });
    app = await createTaskManager(
      {
        app: { logLevel: 'silent' },
        // Reconciliation far away: a task that runs at once was queued by the commit, not found by a scan.
        scheduler: { scanInterval: '20ms', reconcileInterval: '1h', reconcileGrace: '0ms' },
        taskTypes: [{ taskType: 'receipt', executorType: 'local', maxConcurrent: 0 }],
        plugins: [
          mysqlStorage({ url: database.url, poolSize: 4 }),
          memoryQueue(),
          loadBalancers(),
          localExecutor({
            receipt: (payload) => {
              ran.push(payload);
              return { sent: true };
            },
          }),
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );
    await app.start();
  });

  afterEach(() => {
    ran.length = 0;
  });

  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await database?.drop();
  });

  it('commit → the task exists and runs right after the commit', async () => {
    const outbox = transactionalEnqueue(app.services.tasks);
    const before = Date.now();
    const ids = await outbox.run(db, async (trx, enqueue) => {
      await trx.insertInto('orders').values({ id: 1, item: 'book' }).execute();
      return enqueue([{ taskType: 'receipt', payload: { order: 1 } }]);
    });
    expect(ids).toHaveLength(1);
    const task = await waitForStatus(app, ids[0]!, ['SUCCESS'], 5_000);
    expect(ran).toEqual([{ order: 1 }]);
    expect(task.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(task.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    const logs = await app.services.tasks.logs(ids[0]!);
    expect(logs[0]).toMatchObject({ message: 'Task created', toStatus: 'PENDING' });
  });

  it('rollback → neither the row nor the task exists, and nothing runs', async () => {
    const outbox = transactionalEnqueue(app.services.tasks);
    let written: string[] = [];
    await expect(
      outbox.run(db, async (trx, enqueue) => {
        await trx.insertInto('orders').values({ id: 2, item: 'pen' }).execute();
        written = await enqueue([{ taskType: 'receipt', payload: { order: 2 } }]);
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(written).toHaveLength(1);
    await expect(app.services.tasks.get(written[0]!)).rejects.toMatchObject({ code: 40401 });
    expect(await db.selectFrom('orders').selectAll().where('id', '=', 2).execute()).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('a mysql2 connection with its own BEGIN / COMMIT, then committed(): same guarantees', async () => {
    const outbox = transactionalEnqueue(app.services.tasks);
    const conn = await createConnection({ uri: database.url });
    try {
      await conn.beginTransaction();
      await conn.query('INSERT INTO orders (id, item) VALUES (?, ?)', [3, 'cup']);
      const ids = await outbox.add(conn, [{ taskType: 'receipt', payload: { order: 3 }, idempotencyKey: 'order-3' }]);
      expect(ids).toEqual(['order-3']);
      // Not visible to others before the commit.
      await expect(app.services.tasks.get('order-3')).rejects.toMatchObject({ code: 40401 });
      await conn.commit();
      expect(await outbox.committed(ids)).toBe(1);
      await waitForStatus(app, 'order-3', ['SUCCESS'], 5_000);

      await conn.beginTransaction();
      await outbox.add(conn, [{ taskType: 'receipt', payload: { order: 4 }, idempotencyKey: 'order-4' }]);
      await conn.rollback();
      expect(await outbox.committed(['order-4'])).toBe(0);
      await expect(app.services.tasks.get('order-4')).rejects.toMatchObject({ code: 40401 });
    } finally {
      await conn.end();
    }
    expect(ran).toEqual([{ order: 3 }]);
  });

  it('validates inputs before writing anything, naming the batch item', async () => {
    const outbox = transactionalEnqueue(app.services.tasks);
    await expect(
      outbox.run(db, async (trx, enqueue) => {
        await trx.insertInto('orders').values({ id: 5, item: 'hat' }).execute();
        await enqueue([
          { taskType: 'receipt', payload: {} },
          { taskType: 'unknown_type', payload: {} },
        ]);
      }),
    ).rejects.toMatchObject({ code: 40002, details: { index: 1 } });
    expect(await db.selectFrom('orders').selectAll().where('id', '=', 5).execute()).toEqual([]);
  });

  it('a commit whose process dies before committed() is queued by reconciliation', async () => {
    const outbox = transactionalEnqueue(app.services.tasks);
    const conn = await createConnection({ uri: database.url });
    try {
      await conn.beginTransaction();
      const ids = await outbox.add(conn, [{ taskType: 'receipt', payload: { order: 6 } }]);
      await conn.commit();
      // No committed(): only the leader's reconciliation can find it.
      expect((await app.services.tasks.get(ids[0]!)).status).toBe('PENDING');
      await app.scheduler!.reconcile();
      await waitFor(async () => (await app.services.tasks.get(ids[0]!)).status === 'SUCCESS', {
        message: 'the reconciled task to run',
      });
    } finally {
      await conn.end();
    }
  });
});
