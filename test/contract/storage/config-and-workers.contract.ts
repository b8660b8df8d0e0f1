import { describe, expect, it } from 'vitest';
import type { TaskTypeConfig, WorkerInfo } from '../../../core/index.ts';
import { at, type CurrentStorage } from './fixtures.ts';

function taskType(taskTypeName: string, overrides: Partial<TaskTypeConfig> = {}): TaskTypeConfig {
  return {
    taskType: taskTypeName,
    taskName: `Task ${taskTypeName}`,
    description: null,
    executorType: 'local',
    executorConfig: {},
    defaultTimeout: 300,
    defaultMaxRetry: 3,
    retryStrategy: 'FIXED',
    retryDelay: 10,
    backoffRate: 2,
    maxConcurrent: 10,
    enabled: true,
    ...overrides,
  };
}

function worker(workerId: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    workerId,
    workerName: `name-${workerId}`,
    address: '10.0.0.1:9000',
    status: 'ONLINE',
    capacity: 8,
    currentLoad: 0,
    supportedTypes: ['send_email', 'http.call'],
    weight: 1,
    lastHeartbeat: at(1_000),
    ...overrides,
  };
}

export function describeConfigAndWorkerContract(
  storage: CurrentStorage,
  readWorkers: () => Promise<WorkerInfo[]>,
): void {
  describe('task types', () => {
    it('upserts, lists sorted by task type, gets one', async () => {
      const email = taskType('send_email', {
        description: 'Sends an email',
        executorType: 'email',
        executorConfig: { smtp: { host: 'mail', port: 25 }, from: 'nöreply@example.com', tags: ['a', null] },
        retryStrategy: 'EXPONENTIAL',
        retryDelay: 5,
        backoffRate: 1.5,
        maxConcurrent: 0,
      });
      await storage().upsertTaskTypes([taskType('zeta'), email, taskType('alpha', { enabled: false })]);

      expect((await storage().listTaskTypes()).map((c) => c.taskType)).toEqual(['alpha', 'send_email', 'zeta']);
      expect(await storage().getTaskType('send_email')).toEqual(email);
      expect((await storage().getTaskType('alpha'))?.enabled).toBe(false);
      expect(await storage().getTaskType('missing')).toBeUndefined();
    });

    it('replaces a task type by task type', async () => {
      await storage().upsertTaskTypes([taskType('report'), taskType('other')]);
      const replaced = taskType('report', {
        taskName: 'Nightly report',
        description: 'now described',
        executorType: 'http',
        executorConfig: { url: 'http://x/y', headers: { a: 'b' } },
        defaultTimeout: 60,
        defaultMaxRetry: 0,
        enabled: false,
      });
      await storage().upsertTaskTypes([replaced]);

      expect(await storage().getTaskType('report')).toEqual(replaced);
      expect((await storage().listTaskTypes()).map((c) => c.taskType)).toEqual(['other', 'report']);
      await storage().upsertTaskTypes([]);
      expect(await storage().listTaskTypes()).toHaveLength(2);
    });
  });

  describe('workers', () => {
    const byId = async (id: string) => (await readWorkers()).find((w) => w.workerId === id);

    it('upserts and lists workers', async () => {
      await storage().upsertWorker(worker('w-1'));
      await storage().upsertWorker(worker('w-2', { capacity: 2, supportedTypes: [] }));

      const listed = await readWorkers();
      expect(listed.map((w) => w.workerId).sort()).toEqual(['w-1', 'w-2']);
      expect(await byId('w-1')).toMatchObject({
        workerName: 'name-w-1',
        address: '10.0.0.1:9000',
        status: 'ONLINE',
        capacity: 8,
        currentLoad: 0,
        supportedTypes: ['send_email', 'http.call'],
        lastHeartbeat: at(1_000),
      });
      expect((await byId('w-2'))?.supportedTypes).toEqual([]);
    });

    it('updates a worker in place and keeps the createdAt of its first insert', async () => {
      await storage().upsertWorker(worker('w-1'));
      const first = await byId('w-1');
      expect(first?.createdAt).toBeInstanceOf(Date);

      await storage().upsertWorker(worker('w-1', { currentLoad: 5, lastHeartbeat: at(9_000), createdAt: at(9_000) }));
      const listed = await readWorkers();
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ currentLoad: 5, lastHeartbeat: at(9_000), createdAt: first!.createdAt });
    });

    it('marks a worker offline and leaves the others alone', async () => {
      await storage().upsertWorker(worker('w-1'));
      await storage().upsertWorker(worker('w-2'));
      await storage().markWorkerOffline('w-1', at(5_000));
      await expect(storage().markWorkerOffline('unknown', at(5_000))).resolves.toBeUndefined();

      expect((await byId('w-1'))?.status).toBe('OFFLINE');
      expect((await byId('w-2'))?.status).toBe('ONLINE');
      expect(await readWorkers()).toHaveLength(2);

      await storage().upsertWorker(worker('w-1', { lastHeartbeat: at(6_000) }));
      expect((await byId('w-1'))?.status).toBe('ONLINE');
    });
  });
}
