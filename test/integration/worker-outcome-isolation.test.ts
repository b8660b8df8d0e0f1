import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTaskManager,
  LogMessage,
  NonRetryableError,
  TOKENS,
  type JsonObject,
  type Plugin,
  type Task,
  type TaskManager,
} from '../../core/index.ts';
import { OutcomeCommitter } from '../../core/services/worker/outcome-committer.ts';
import { TaskStateWriter } from '../../core/services/task-state.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { silentLogger } from '../helpers/fake-plugin-context.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { createTestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';

const mysql = await mysqlAvailability();

function nested(levels: number): JsonObject {
  let value: JsonObject = { leaf: true };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

interface StorageCase {
  name: string;
  available: boolean;
  /** A result this storage refuses to write, past the worker's own checks. */
  refusedResult: JsonObject;
  make(): Promise<{ storage: Plugin; cleanup(): Promise<void> }>;
}

const storages: StorageCase[] = [
  {
    name: 'memory',
    available: true,
    // JSON has no bigint: the memory storage's copy of the result throws.
    refusedResult: { refused: 10n } as unknown as JsonObject,
    make: async () => ({ storage: memoryStorage(), cleanup: async () => {} }),
  },
  {
    name: 'MySQL',
    available: mysql.available,
    // Refused by MariaDB itself (json_valid fails deeper than 32 levels): the database rolls the statement back.
    refusedResult: nested(40),
    make: async () => {
      const database = await createTestDatabase('poison');
      await runMigrations(database.url);
      return { storage: mysqlStorage({ url: database.url, poolSize: 4 }), cleanup: () => database.drop() };
    },
  },
];

/** Results and errors no storage can keep as they are. */
const poisons = {
  deepResult: () => nested(40),
  loneSurrogateResult: () => ({ text: 'x\ud800' }),
  bigintResult: () => ({ n: 10n }) as unknown as JsonObject,
  cyclicResult: () => {
    const node: Record<string, unknown> = {};
    node.self = node;
    return node as JsonObject;
  },
  hugeError: () => {
    throw new NonRetryableError('x'.repeat(70_000));
  },
  hugeResult: () => ({ blob: 'y'.repeat(2 * 1024 * 1024) }),
};

describe.each(storages)(
  'one bad outcome never holds the others, on $name storage',
  ({ available, make, refusedResult }) => {
    let app: TaskManager | undefined;
    let cleanup: () => Promise<void> = async () => {};

    afterEach(async () => {
      await app?.stop();
      app = undefined;
      await cleanup();
    });

    async function start(roles: ('api' | 'scheduler' | 'worker')[]): Promise<TaskManager> {
      const made = await make();
      cleanup = made.cleanup;
      const handlers = { echo: (payload: JsonObject) => payload, ...poisons };
      app = await createTaskManager(
        {
          app: { logLevel: 'silent', crossProcessEvents: false },
          roles,
          scheduler: { scanInterval: '20ms' },
          worker: { takeWait: '200ms', capacity: 4 },
          taskTypes: Object.keys(handlers).map((taskType) => ({
            taskType,
            executorType: 'local',
            maxConcurrent: 0,
            retryDelay: 0,
          })),
          plugins: [made.storage, memoryQueue(), loadBalancers(), localExecutor(handlers)],
        },
        { env: {}, logger: pino({ level: 'silent' }) },
      );
      await app.start();
      return app;
    }

    it.skipIf(!available)(
      'ends each poisoned task FAILED with the reason, and the worker finishes everything else',
      async () => {
        const manager = await start(['api', 'scheduler', 'worker']);
        const tasks = manager.services.tasks;
        const poisoned = await tasks.createMany(
          Object.keys(poisons).map((taskType) => ({ taskType, payload: {}, maxRetry: 0 })),
        );
        const echoes = await tasks.createMany(
          Array.from({ length: 20 }, (_, i) => ({ taskType: 'echo', payload: { i } })),
        );
        for (const { task } of echoes) await waitForStatus(manager, task.taskId, ['SUCCESS'], 10_000);

        for (const { task } of poisoned) {
          const done = await waitForStatus(manager, task.taskId, ['FAILED'], 10_000);
          expect(done.errorMsg!.length, task.taskType).toBeLessThanOrEqual(4_000);
          if (task.taskType === 'hugeError') expect(done.errorMsg).toMatch(/^x+… \(\d+ more characters\)$/);
          else expect(done.errorMsg, task.taskType).toMatch(new RegExp(`^${LogMessage.outcomeNotStored}: result`));
          expect(done.result).toBeNull();
          const logs = await tasks.logs(task.taskId);
          expect(logs.at(-1)?.message).toBe(LogMessage.failedNonRetryable);
        }
      },
    );

    it.skipIf(!available)(
      'writes a batch whose one row storage refuses outcome by outcome, the refused one degraded',
      async () => {
        const manager = await start(['api']);
        const storage = manager.resolve(TOKENS.Storage);
        const created = await manager.services.tasks.createMany(
          Array.from({ length: 3 }, (_, i) => ({ taskType: 'echo', payload: { i } })),
        );
        const ids = created.map((c) => c.task.taskId);
        const now = new Date();
        await storage.transition(
          ids.map((taskId) => ({
            taskId,
            from: 'PENDING',
            to: 'PROCESSING',
            patch: { workerId: 'w1', startedAt: now },
            logs: [],
            at: now,
          })),
        );
        const running = await storage.getTasks(ids);

        const acked: string[] = [];
        const degradedFor: string[] = [];
        const committer = new OutcomeCommitter(
          new TaskStateWriter(storage, { get: async () => undefined, set: async () => {}, drop: async () => {} }),
          storage,
          manager.resolve(TOKENS.Queue),
          silentLogger(),
          (done) => acked.push(...done),
          (outcome, reason) => {
            degradedFor.push(outcome.taskId);
            return {
              taskId: outcome.taskId,
              transition: {
                ...outcome.transition!,
                to: 'FAILED',
                patch: { errorMsg: `degraded: ${reason}`, completedAt: now },
                logs: [],
              },
            };
          },
        );
        const byId = new Map(running.map((t: Task) => [t.taskId, t]));
        ids.forEach((taskId, i) =>
          committer.add({
            taskId,
            task: byId.get(taskId)!,
            transition: {
              taskId,
              from: 'PROCESSING',
              to: 'SUCCESS',
              expectedWorkerId: 'w1',
              patch: { result: i === 1 ? refusedResult : { i }, completedAt: now },
              logs: [],
              at: now,
            },
          }),
        );
        await committer.drain();

        expect(degradedFor).toEqual([ids[1]]);
        expect([...acked].sort()).toEqual([...ids].sort());
        const after = new Map((await storage.getTasks(ids)).map((t) => [t.taskId, t]));
        expect(after.get(ids[0]!)).toMatchObject({ status: 'SUCCESS', result: { i: 0 } });
        expect(after.get(ids[1]!)).toMatchObject({ status: 'FAILED', result: null });
        expect(after.get(ids[1]!)?.errorMsg).toMatch(/^degraded: /);
        expect(after.get(ids[2]!)).toMatchObject({ status: 'SUCCESS', result: { i: 2 } });
      },
    );
  },
);
