import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, migratePlugins, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';

const mysql = await mysqlAvailability();

describe.skipIf(!mysql.available)('the app on MySQL survives a restart', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('app_restart');
    await runMigrations(database.url);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const build = (roles: ('api' | 'scheduler' | 'worker')[]): Promise<TaskManager> =>
    createTaskManager(
      {
        app: { logLevel: 'silent' },
        roles,
        scheduler: { scanInterval: '20ms', reconcileInterval: '200ms', reconcileGrace: '0ms' },
        taskTypes: [{ taskType: 'echo', executorType: 'local', maxConcurrent: 0 }],
        plugins: [
          mysqlStorage({ url: database.url, poolSize: 4 }),
          memoryQueue(),
          loadBalancers(),
          localExecutor({ echo: (p) => p }),
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );

  it('finds every task and log as it left them, and finishes what was pending', async () => {
    const first = await build(['api', 'scheduler', 'worker']);
    await first.start();
    const done = await first.services.tasks.createMany(
      Array.from({ length: 20 }, (_, i) => ({ taskType: 'echo', payload: { i } })),
    );
    for (const { task } of done) await waitForStatus(first, task.taskId, ['SUCCESS']);
    await first.stop();

    // Created by an API-only process: PENDING, and its memory queue dies with it.
    const apiOnly = await build(['api']);
    await apiOnly.start();
    const pending = await apiOnly.services.tasks.createMany(
      Array.from({ length: 5 }, (_, i) => ({ taskType: 'echo', payload: { late: i } })),
    );
    const before = new Map<string, unknown>();
    for (const { task } of done)
      before.set(task.taskId, {
        task: await apiOnly.services.tasks.get(task.taskId),
        logs: await apiOnly.services.tasks.logs(task.taskId),
      });
    await apiOnly.stop();

    const second = await build(['api', 'scheduler', 'worker']);
    await second.start();
    try {
      for (const { task } of done) {
        expect({
          task: await second.services.tasks.get(task.taskId),
          logs: await second.services.tasks.logs(task.taskId),
        }).toEqual(before.get(task.taskId));
      }
      // Reconciliation finds the PENDING tasks that are in no queue and runs them.
      for (const { task } of pending) {
        const finished = await waitForStatus(second, task.taskId, ['SUCCESS'], 10_000);
        expect(finished.result).toEqual(task.payload);
      }
    } finally {
      await second.stop();
    }
  });
});

describe.skipIf(!mysql.available)('taskmanager migrate', () => {
  it('migrates a config that names only the storage, and runs again without error', async () => {
    const database = await createTestDatabase('migrate_only');
    try {
      const config = { plugins: [mysqlStorage({ url: database.url })] };
      expect(await migratePlugins(config, { env: {} })).toEqual(['storage-mysql']);
      expect(await migratePlugins(config, { env: {} })).toEqual(['storage-mysql']);
      const [tables] = await database.admin.query(
        'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [database.name],
      );
      expect((tables as { TABLE_NAME: string }[]).map((t) => t.TABLE_NAME)).toEqual(
        expect.arrayContaining(['task', 'task_config', 'task_logs', 'worker_registry']),
      );
    } finally {
      await database.drop();
    }
  });
});
