import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, LogMessage, type CreateTaskResult, type NewTask } from '../../core/index.ts';
import {
  openMysqlStorage,
  runMigrations,
  type GroupReport,
  type MysqlStorage,
} from '../../plugins/storage-mysql/index.ts';
import { newTask, sortedIds } from '../contract/storage/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { MYSQL_URL, mysqlAvailability } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const mysql = await mysqlAvailability();

type Opened = { storage: MysqlStorage; close(): Promise<void> };

/** One call per task, all issued in the same event-loop turn. */
const singles = (storage: MysqlStorage, tasks: readonly NewTask[]): Promise<CreateTaskResult[]>[] =>
  tasks.map((task) => storage.createTasks([task]).then(([result]) => [result!]));

describe.skipIf(!mysql.available)('storage-mysql group commit of concurrent creates', () => {
  let database: TestDatabase;
  let opened: Opened;
  let groups: GroupReport[] = [];
  let locker: Connection | undefined;

  const table = (name: string) => `\`${database.name}\`.${name}`;

  /** Every task has exactly one "Task created" log, and no log lacks its task. */
  async function expectWholeTasks(): Promise<void> {
    const [taskWithoutLog] = await database.admin.query(
      `SELECT COUNT(*) AS n FROM ${table('task')} t WHERE (SELECT COUNT(*) FROM ${table('task_logs')} l WHERE l.task_id = t.task_id AND l.message = ?) <> 1`,
      [LogMessage.created],
    );
    const [logWithoutTask] = await database.admin.query(
      `SELECT COUNT(*) AS n FROM ${table('task_logs')} l WHERE NOT EXISTS (SELECT 1 FROM ${table('task')} t WHERE t.task_id = l.task_id)`,
    );
    expect({ taskWithoutLog, logWithoutTask }).toEqual({ taskWithoutLog: [{ n: 0 }], logWithoutTask: [{ n: 0 }] });
  }

  /** Server threads of the pool: connections on the test database other than the admin's. */
  async function killPool(): Promise<number> {
    const [rows] = await database.admin.query(
      'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [database.name],
    );
    const ids = (rows as { ID: number }[]).map((r) => Number(r.ID));
    for (const id of ids) await database.admin.query('KILL CONNECTION ?', [id]).catch(() => undefined);
    return ids.length;
  }

  beforeAll(async () => {
    database = await createTestDatabase('group_commit');
    await runMigrations(database.url);
    opened = await openMysqlStorage(database.url, { poolSize: 4, groupCommit: { onGroup: (g) => groups.push(g) } });
    const server = new URL(MYSQL_URL);
    // No database selected, so killPool() never kills it.
    locker = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: 'root' });
  });

  afterAll(async () => {
    await locker?.end();
    await opened?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await database.admin.query(`DELETE FROM ${table('task')}; DELETE FROM ${table('task_logs')};`);
    groups = [];
  });

  it('200 single creates in flight share a few transactions, each task lands with one created log', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => newTask({ payload: { i } }));
    const answers = await Promise.all(singles(opened.storage, inputs));

    answers.forEach(([result], i) => {
      expect(result?.created).toBe(true);
      expect(result?.task.taskId).toBe(inputs[i]!.taskId);
      expect(result?.task.payload).toEqual({ i });
    });
    expect(groups.reduce((sum, g) => sum + g.calls, 0)).toBe(200);
    expect(groups.length).toBeLessThan(20);
    expect(groups.every((g) => g.outcome === 'committed')).toBe(true);
    expect(sortedIds(await opened.storage.getTasks(inputs.map((t) => t.taskId)))).toEqual(sortedIds(inputs));
    await expectWholeTasks();
  });

  it('a group never holds more than maxGroupTasks tasks; larger calls run on their own', async () => {
    const small = await openMysqlStorage(database.url, {
      poolSize: 2,
      groupCommit: { maxGroupTasks: 10, maxCallTasks: 5, onGroup: (g) => groups.push(g) },
    });
    try {
      const calls = Array.from({ length: 12 }, (_, k) =>
        Array.from({ length: 3 }, (_, i) => newTask({ payload: { k, i } })),
      );
      const big = Array.from({ length: 6 }, () => newTask());
      const answers = await Promise.all([
        ...calls.map((c) => small.storage.createTasks(c)),
        small.storage.createTasks(big),
      ]);

      expect(answers.flat().every((r) => r.created)).toBe(true);
      expect(groups.map((g) => g.tasks)).toEqual([9, 9, 9, 9]);
      expect(await small.storage.getTasks(big.map((t) => t.taskId))).toHaveLength(6);
      await expectWholeTasks();
    } finally {
      await small.close();
    }
  });

  it('the same id in two calls of one group: the earlier call creates it, the later gets created:false with its task', async () => {
    const shared = newTask({ payload: { which: 'first' } });
    const [first, second, third] = await Promise.all([
      opened.storage.createTasks([shared, newTask()]),
      opened.storage.createTasks([{ ...shared, payload: { which: 'second' } }]),
      opened.storage.createTasks([newTask()]),
    ]);

    expect(groups).toEqual([{ calls: 3, tasks: 4, outcome: 'committed' }]);
    expect(first!.map((r) => r.created)).toEqual([true, true]);
    expect(second).toEqual([{ created: false, task: first![0]!.task }]);
    // Each caller owns its objects.
    expect(second![0]!.task).not.toBe(first![0]!.task);
    expect(third![0]!.created).toBe(true);
    expect((await opened.storage.getTask(shared.taskId))?.payload).toEqual({ which: 'first' });
    expect(await opened.storage.getLogs(shared.taskId)).toHaveLength(1);
    await expectWholeTasks();
  });

  it('re-creating is idempotent across groups: stored tasks come back unchanged, new ones are created', async () => {
    const originals = Array.from({ length: 20 }, (_, i) => newTask({ payload: { version: 1, i } }));
    await Promise.all(singles(opened.storage, originals));
    const groupsBefore = groups.length;

    const fresh = Array.from({ length: 20 }, () => newTask());
    const replays = originals.map((t) => ({ ...t, payload: { version: 2 } }));
    const answers = await Promise.all(singles(opened.storage, [...replays, ...fresh]));

    expect(groups.length).toBeGreaterThan(groupsBefore);
    expect(groups.slice(groupsBefore).some((g) => g.calls > 1)).toBe(true);
    expect(answers.slice(0, 20).map(([r]) => [r!.created, r!.task.payload])).toEqual(
      originals.map((t) => [false, t.payload]),
    );
    expect(answers.slice(20).every(([r]) => r!.created)).toBe(true);
    expect((await opened.storage.countByStatus()).PENDING).toBe(40);
    await expectWholeTasks();
  });

  it('a call whose data fails the group fails alone: the others commit, the failing call writes nothing', async () => {
    const good = newTask();
    const tooLong = newTask({ taskType: 'x'.repeat(65) });
    const sameIdAsFailed = { ...good, payload: { from: 'later call' } };
    const other = newTask();
    const outcomes = await Promise.allSettled([
      opened.storage.createTasks([good, tooLong]),
      opened.storage.createTasks([sameIdAsFailed]),
      opened.storage.createTasks([other]),
    ]);

    expect(groups).toEqual([{ calls: 3, tasks: 4, outcome: 'split' }]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected' });
    expect((outcomes[0] as PromiseRejectedResult).reason).not.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    // The failed call wrote nothing, so the later call with its id created it, as if they had run one after the other.
    expect(outcomes[1]).toMatchObject({
      status: 'fulfilled',
      value: [{ created: true, task: { payload: { from: 'later call' } } }],
    });
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: [{ created: true }] });
    expect(await opened.storage.getTask(tooLong.taskId)).toBeUndefined();
    expect(sortedIds(await opened.storage.listTasks({}, { limit: 10 }).then((p) => p.items))).toEqual(
      sortedIds([good, other]),
    );
    await expectWholeTasks();
  });

  it('another writer creating the same ids at the same time: each id is created once, by one of them', async () => {
    const rival = await openMysqlStorage(database.url, { poolSize: 4, groupCommit: { maxCallTasks: 0 } });
    try {
      const inputs = Array.from({ length: 100 }, (_, i) => newTask({ payload: { i } }));
      const [ours, theirs] = await Promise.all([
        Promise.all(singles(opened.storage, inputs)),
        Promise.all(singles(rival.storage, [...inputs].reverse())),
      ]);
      const createdByUs = ours.filter(([r]) => r!.created).map(([r]) => r!.task.taskId);
      const createdByThem = theirs.filter(([r]) => r!.created).map(([r]) => r!.task.taskId);
      expect([...createdByUs, ...createdByThem].sort()).toEqual(inputs.map((t) => t.taskId).sort());
      await expectWholeTasks();
    } finally {
      await rival.close();
    }
  });

  it('a connection killed mid-group fails that group with 50301 and writes none of it; the next group commits', async () => {
    // An uncommitted row with a group member's id makes the group's INSERT wait: provably in flight.
    const held = newTask();
    await locker!.query('START TRANSACTION');
    await locker!.query(
      `INSERT INTO ${table('task')} (task_id, task_type, payload, scheduled_at) VALUES (?, 'held', '{}', NOW(3))`,
      [held.taskId],
    );
    try {
      const blockedGroup = [held, ...Array.from({ length: 9 }, () => newTask())];
      const blocked = Promise.allSettled(singles(opened.storage, blockedGroup));
      const thread = await waitFor(
        async () => {
          const [rows] = await database.admin.query(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'insert into `task`%'",
            [database.name],
          );
          return (rows as { ID: number }[])[0]?.ID;
        },
        { message: 'the group INSERT to wait on the held row' },
      );
      // Queued behind the blocked group: they form the next one.
      const nextGroup = Array.from({ length: 10 }, () => newTask());
      const next = Promise.allSettled(singles(opened.storage, nextGroup));

      // Only the group's connection: an idle one killed late could be handed to the next group.
      await database.admin.query('KILL CONNECTION ?', [thread]);
      const blockedOutcomes = await blocked;
      for (const outcome of blockedOutcomes) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.DEPENDENCY_UNAVAILABLE } });
      }
      expect((await next).every((o) => o.status === 'fulfilled' && o.value[0]!.created)).toBe(true);
      await locker!.query('ROLLBACK');

      expect(await opened.storage.getTasks(blockedGroup.map((t) => t.taskId))).toEqual([]);
      expect(await opened.storage.getTasks(nextGroup.map((t) => t.taskId))).toHaveLength(10);
      await expectWholeTasks();

      // The client resubmits what failed; it lands whole.
      const retried = await Promise.all(singles(opened.storage, blockedGroup));
      expect(retried.every(([r]) => r!.created)).toBe(true);
      await expectWholeTasks();
    } finally {
      await locker!.query('ROLLBACK');
    }
  });

  it('connections killed while many groups run: every call lands whole or fails with 50301', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => newTask({ payload: { i } }));
    const outcomes: PromiseSettledResult<unknown>[] = [];
    // 30 clients creating one task at a time: a stream of groups, one of which the kill hits.
    const racing = Promise.all(
      Array.from({ length: 30 }, async (_, lane) => {
        for (let i = lane; i < inputs.length; i += 30) {
          outcomes[i] = await opened.storage.createTasks([inputs[i]!]).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          );
        }
      }),
    );
    await waitFor(() => groups.length >= 2, { message: 'groups to be committing', intervalMs: 1 });
    expect(await killPool()).toBeGreaterThan(0);
    await racing;

    const failed: NewTask[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
        failed.push(inputs[i]!);
      }
    });
    await expectWholeTasks();
    const stored = new Set((await opened.storage.getTasks(inputs.map((t) => t.taskId))).map((t) => t.taskId));
    outcomes.forEach((outcome, i) => {
      // A success is durable; a 50301 may still have committed (the kill can land after COMMIT).
      if (outcome.status === 'fulfilled') expect(stored.has(inputs[i]!.taskId)).toBe(true);
    });

    await Promise.all(singles(opened.storage, failed));
    expect(await opened.storage.getTasks(inputs.map((t) => t.taskId))).toHaveLength(300);
    await expectWholeTasks();
  });
});
