import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager, type Plugin, type StoragePort, type TaskManager, TOKENS } from '../../core/index.ts';
import { localExecutor, type LocalHandler } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability, REDIS_URL, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { deleteKeys } from './support/redis-queue-harness.ts';

const mysql = await mysqlAvailability();
const redis = await redisAvailability();

interface Backend {
  name: string;
  available: boolean;
  /** Plugins on fresh, empty backends: each test starts from nothing (a timed-out one leaves nothing behind). */
  open(): Promise<{ plugins: Plugin[]; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    available: true,
    open: async () => ({ plugins: [memoryStorage(), memoryQueue()], close: async () => {} }),
  },
  {
    name: 'MySQL + Redis',
    available: mysql.available && redis.available,
    async open() {
      const database: TestDatabase = await createTestDatabase('dependencies');
      await runMigrations(database.url);
      const prefix = `tm:test:${uniqueSuffix('deps')}:`;
      return {
        plugins: [mysqlStorage({ url: database.url, poolSize: 8 }), redisQueue({ url: REDIS_URL, prefix })],
        async close() {
          await database.drop();
          await deleteKeys(REDIS_URL, prefix);
        },
      };
    },
  },
];

/** Order in which handlers ran, by payload label. */
let ran: string[] = [];
const record: LocalHandler = (payload) => {
  ran.push(String(payload.label));
  return { ok: true };
};
const fail: LocalHandler = () => {
  throw new Error('boom');
};

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`task dependencies on ${backend.name}`, () => {
    let app: TaskManager | undefined;
    let backing: { close(): Promise<void> } | undefined;

    async function start(reconcileInterval = '30s'): Promise<TaskManager> {
      const opened = await backend.open();
      backing = opened;
      app = await createTaskManager(
        {
          app: { logLevel: 'silent' },
          scheduler: { scanInterval: '20ms', reconcileInterval, reconcileGrace: '0ms' },
          worker: { capacity: 20, takeWait: '200ms' },
          taskTypes: [
            { taskType: 'step', executorType: 'local', maxConcurrent: 0, retryDelay: 0 },
            { taskType: 'broken', executorType: 'local', maxConcurrent: 0, defaultMaxRetry: 0 },
          ],
          plugins: [...opened.plugins, loadBalancers(), localExecutor({ step: record, broken: fail })],
        },
        { env: {}, logger: pino({ level: 'silent' }) },
      );
      await app.start();
      ran = [];
      return app;
    }

    afterEach(async () => {
      await app?.stop();
      await backing?.close();
      app = undefined;
      backing = undefined;
    });

    it('a dependent runs only after its dependency succeeded, without polling, and GET shows depends_on', async () => {
      const app = await start();
      const tasks = app.services.tasks;
      const { task: a } = await tasks.create({ taskType: 'step', payload: { label: 'a' }, delayMs: 300 });
      const { task: b } = await tasks.create({ taskType: 'step', payload: { label: 'b' }, dependsOn: [a.taskId] });
      expect(b.status).toBe('PENDING');
      expect((await tasks.get(b.taskId)).dependsOn).toEqual([a.taskId]);
      expect((await tasks.get(a.taskId)).dependsOn).toEqual([]);
      const doneB = await waitForStatus(app, b.taskId, ['SUCCESS'], 10_000);
      const doneA = await tasks.get(a.taskId);
      expect(ran).toEqual(['a', 'b']);
      expect(doneB.startedAt!.getTime()).toBeGreaterThanOrEqual(doneA.completedAt!.getTime());
    });

    it('cancels dependents, transitively, when a dependency fails for good, with the log naming it', async () => {
      const app = await start();
      const tasks = app.services.tasks;
      const { task: bad } = await tasks.create({ taskType: 'broken', payload: {}, delayMs: 200 });
      const { task: mid } = await tasks.create({
        taskType: 'step',
        payload: { label: 'mid' },
        dependsOn: [bad.taskId],
      });
      const { task: leaf } = await tasks.create({
        taskType: 'step',
        payload: { label: 'leaf' },
        dependsOn: [mid.taskId],
      });
      await waitForStatus(app, leaf.taskId, ['CANCELLED'], 10_000);
      expect((await tasks.get(bad.taskId)).status).toBe('FAILED');
      expect((await tasks.get(mid.taskId)).status).toBe('CANCELLED');
      expect((await tasks.logs(mid.taskId)).map((l) => l.message)).toContain(`Dependency ${bad.taskId} ended FAILED`);
      expect((await tasks.logs(leaf.taskId)).map((l) => l.message)).toContain(
        `Dependency ${mid.taskId} ended CANCELLED`,
      );
      expect(ran).toEqual([]);
    });

    it('a dependency already SUCCESS is met at once; one already CANCELLED cancels the new task', async () => {
      const app = await start();
      const tasks = app.services.tasks;
      const { task: done } = await tasks.create({ taskType: 'step', payload: { label: 'done' } });
      await waitForStatus(app, done.taskId, ['SUCCESS']);
      const { task: gone } = await tasks.create({ taskType: 'step', payload: { label: 'gone' }, delayMs: 60_000 });
      await tasks.cancel(gone.taskId);
      const { task: ok } = await tasks.create({ taskType: 'step', payload: { label: 'ok' }, dependsOn: [done.taskId] });
      const { task: doomed } = await tasks.create({
        taskType: 'step',
        payload: { label: 'doomed' },
        dependsOn: [done.taskId, gone.taskId],
      });
      await waitForStatus(app, ok.taskId, ['SUCCESS']);
      await waitForStatus(app, doomed.taskId, ['CANCELLED']);
      expect((await tasks.logs(doomed.taskId)).map((l) => l.message)).toContain(
        `Dependency ${gone.taskId} ended CANCELLED`,
      );
    });

    it('refuses an unknown dependency, a bad index and a task depending on itself, naming the batch item', async () => {
      const app = await start();
      const tasks = app.services.tasks;
      const before = await tasks.count({});
      await expect(tasks.create({ taskType: 'step', payload: {}, dependsOn: ['no-such-task'] })).rejects.toMatchObject({
        code: 40001,
        details: { field: 'depends_on[0]', task_id: 'no-such-task' },
      });
      await expect(
        tasks.createMany([
          { taskType: 'step', payload: {} },
          { taskType: 'step', payload: {}, dependsOnIndex: [1] },
        ]),
      ).rejects.toMatchObject({ code: 40001, details: { field: 'tasks[1].depends_on_index[0]', index: 1 } });
      await expect(
        tasks.createMany([
          { taskType: 'step', payload: {} },
          { taskType: 'step', payload: {}, dependsOn: ['missing'] },
        ]),
      ).rejects.toMatchObject({ code: 40001, details: { index: 1, task_id: 'missing' } });
      await expect(
        tasks.create({ taskType: 'step', payload: {}, idempotencyKey: 'self', dependsOn: ['self'] }),
      ).rejects.toMatchObject({ code: 40001 });
      expect(await tasks.count({})).toBe(before);
    });

    // About 20 storage round trips per link (complete, settle, release, dispatch): a minute or
    // more on MySQL on a loaded machine.
    it('runs a chain of 1 000 created in one batch, in order', { timeout: 300_000 }, async () => {
      const app = await start();
      const inputs = Array.from({ length: 1000 }, (_, i) => ({
        taskType: 'step',
        payload: { label: String(i) },
        ...(i > 0 ? { dependsOnIndex: [i - 1] } : {}),
      }));
      const created = await app.services.tasks.createMany(inputs);
      await waitForStatus(app, created[999]!.task.taskId, ['SUCCESS'], 290_000);
      expect(ran).toEqual(inputs.map((_, i) => String(i)));
    });

    it('releases a fan-in of 1 000 dependencies once the last succeeds', { timeout: 60_000 }, async () => {
      const app = await start();
      const tasks = app.services.tasks;
      const deps = await tasks.createMany(
        Array.from({ length: 1000 }, (_, i) => ({ taskType: 'step', payload: { label: `d${i}` }, delayMs: 300 })),
      );
      const { task: sink } = await tasks.create({
        taskType: 'step',
        payload: { label: 'sink' },
        dependsOn: deps.map((d) => d.task.taskId),
      });
      expect((await tasks.get(sink.taskId)).dependsOn).toHaveLength(1000);
      await waitForStatus(app, sink.taskId, ['SUCCESS'], 50_000);
      expect(ran).toHaveLength(1001);
      expect(ran[1000]).toBe('sink');
    });

    it('reconciliation releases a dependent whose dependency finished without settling (a crash)', async () => {
      const app = await start('200ms');
      const storage: StoragePort = app.resolve(TOKENS.Storage);
      const tasks = app.services.tasks;
      const { task: a } = await tasks.create({ taskType: 'step', payload: { label: 'a' }, delayMs: 3_600_000 });
      const { task: b } = await tasks.create({ taskType: 'step', payload: { label: 'b' }, dependsOn: [a.taskId] });
      const { task: c } = await tasks.create({ taskType: 'step', payload: { label: 'c' }, dependsOn: [b.taskId] });
      // A finishes behind the service's back: no event, nothing settled, as if its process died.
      const now = new Date();
      const moved = await storage.transition([
        { taskId: a.taskId, from: 'PENDING', to: 'CANCELLED', patch: { completedAt: now }, logs: [], at: now },
      ]);
      expect(moved.applied).toEqual([a.taskId]);
      await waitForStatus(app, c.taskId, ['CANCELLED'], 10_000);
      expect((await tasks.get(b.taskId)).status).toBe('CANCELLED');
    });
  });
}
