import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, LogMessage, type NewTask, type Task } from '../../core/index.ts';
import { openMysqlStorage, runMigrations, type MysqlStorage } from '../../plugins/storage-mysql/index.ts';
import { assign, newTask, sortedIds } from '../contract/storage/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { MYSQL_URL, mysqlAvailability } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const mysql = await mysqlAvailability();

type Opened = { storage: MysqlStorage; close(): Promise<void> };

const batch = (label: string, count: number): NewTask[] =>
  Array.from({ length: count }, (_, i) =>
    newTask({ taskId: `${label}-${String(i).padStart(4, '0')}`, payload: { label, i } }),
  );

describe.skipIf(!mysql.available)('storage-mysql recovery', () => {
  let database: TestDatabase;
  let opened: Opened | undefined;
  let locker: Connection | undefined;

  /** Ids of the pool's server threads: connections on the test database other than ours. */
  async function poolThreads(): Promise<number[]> {
    const [rows] = await database.admin.query(
      'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [database.name],
    );
    return (rows as { ID: number }[]).map((r) => Number(r.ID));
  }

  async function killPool(): Promise<number> {
    const threads = await poolThreads();
    for (const id of threads) await database.admin.query('KILL CONNECTION ?', [id]).catch(() => undefined);
    return threads.length;
  }

  beforeAll(async () => {
    database = await createTestDatabase('recovery');
    await runMigrations(database.url);
    opened = await openMysqlStorage(database.url, { poolSize: 4 });
    const server = new URL(MYSQL_URL);
    // No database selected, so poolThreads() never counts (or kills) it.
    locker = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: 'root' });
  });

  afterAll(async () => {
    await locker?.end();
    await opened?.close();
    await database?.drop();
  });

  it('fails the call in flight on a killed connection with 50301, then recovers by itself', async () => {
    const storage = opened!.storage;
    const [blocked] = (await storage.createTasks([newTask({ taskId: 'blocked-0001' })])).map((r) => r.task);

    // Hold the row lock from outside so the transition is provably in flight when we kill.
    await locker!.query('START TRANSACTION');
    await locker!.query(`SELECT task_id FROM \`${database.name}\`.task WHERE task_id = ? FOR UPDATE`, [
      blocked!.taskId,
    ]);
    const inFlight = storage.transition([assign(blocked!.taskId, 'w-1', new Date())]).then(
      () => 'applied',
      (error: unknown) => error,
    );
    await waitFor(
      async () => {
        const [rows] = await database.admin.query(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND (INFO LIKE '%for update%' OR INFO LIKE '%UPDATE task%')",
          [database.name],
        );
        return (rows as unknown[]).length > 0;
      },
      { message: 'the transition to wait on the row lock' },
    );

    expect(await killPool()).toBeGreaterThan(0);
    expect(await inFlight).toMatchObject({
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
      name: 'DependencyUnavailableError',
    });
    await locker!.query('ROLLBACK');

    // Nothing was written by the killed transaction, and the next calls need no help.
    expect((await storage.getTask(blocked!.taskId))?.status).toBe('PENDING');
    expect(await storage.transition([assign(blocked!.taskId, 'w-1', new Date())])).toEqual({
      applied: [blocked!.taskId],
      rejected: [],
    });
    expect((await storage.getLogs(blocked!.taskId)).map((l) => l.toStatus)).toEqual(['PENDING', 'PROCESSING']);
  });

  it('loses no task when connections are killed during concurrent creates', async () => {
    const storage = opened!.storage;
    const before = batch('before', 100);
    await Promise.all([0, 1, 2, 3].map((k) => storage.createTasks(before.slice(k * 25, k * 25 + 25))));

    // Eight creates race the kill: each either lands whole or fails with 50301.
    const during = Array.from({ length: 8 }, (_, k) => batch(`during${k}`, 25));
    const racing = Promise.allSettled(during.map((tasks) => storage.createTasks(tasks)));
    await killPool();
    const outcomes = await racing;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        expect(outcome.reason).toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    }

    // The client resubmits what failed (idempotent by task id); later calls just work.
    const retried = during.filter((_, k) => outcomes[k]?.status === 'rejected');
    for (const tasks of retried) await storage.createTasks(tasks);
    const after = batch('after', 50);
    expect((await storage.createTasks(after)).every((r) => r.created)).toBe(true);

    const all = [...before, ...during.flat(), ...after];
    const stored = await storage.getTasks(all.map((t) => t.taskId));
    expect(sortedIds(stored)).toEqual(sortedIds(all));
    // Atomic creates: every task has exactly one "Task created" log, never zero or two.
    const [rows] = await database.admin.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT task_id) AS d FROM \`${database.name}\`.task_logs WHERE message = ? AND task_id NOT LIKE 'blocked%'`,
      [LogMessage.created],
    );
    expect(rows).toEqual([{ n: all.length, d: all.length }]);
  });

  it('queryTimeout stops a statement on the server and the call fails with 50301', async () => {
    const timed = await openMysqlStorage(database.url, { poolSize: 1, queryTimeout: '300ms' });
    try {
      const [task] = (await timed.storage.createTasks([newTask({ taskId: 'slow-0001' })])).map((r) => r.task);
      await locker!.query('START TRANSACTION');
      await locker!.query(`SELECT task_id FROM \`${database.name}\`.task WHERE task_id = ? FOR UPDATE`, [task!.taskId]);
      const started = Date.now();
      const error = await timed.storage.transition([assign(task!.taskId, 'w-1', new Date())]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
      expect(Date.now() - started).toBeLessThan(5_000);
      await locker!.query('ROLLBACK');
      // The connection stays usable: the statement was stopped, not the session.
      expect((await timed.storage.getTask(task!.taskId))?.status).toBe('PENDING');
    } finally {
      await locker!.query('ROLLBACK');
      await timed.close();
    }
  });

  it('a new storage instance on the same database finds every task and log as left', async () => {
    const first = opened!.storage;
    const all = (await first.listTasks({}, { limit: 1000 })).items;
    expect(all.length).toBeGreaterThan(300);
    const logsBefore = new Map<string, unknown>();
    for (const task of all.slice(0, 20)) logsBefore.set(task.taskId, await first.getLogs(task.taskId));
    const countsBefore = await first.countByStatus();
    await opened!.close();
    opened = undefined;

    opened = await openMysqlStorage(database.url, { poolSize: 2 });
    const second = opened.storage;
    const reread = await second.getTasks(all.map((t) => t.taskId));
    const byId = new Map(reread.map((t): [string, Task] => [t.taskId, t]));
    for (const task of all) expect(byId.get(task.taskId)).toEqual(task);
    for (const [taskId, logs] of logsBefore) expect(await second.getLogs(taskId)).toEqual(logs);
    expect(await second.countByStatus()).toEqual(countsBefore);
  });
});
