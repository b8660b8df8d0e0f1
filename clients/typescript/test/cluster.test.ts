/**
 * The client's read-only views of the cluster (task types, workers, leader, queues, counts by
 * status) and the wait progress callback, against a live embedded-default server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait.ts';
import { TaskManagerClient, TaskManagerError, type TaskStatus } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './live-server.ts';

let server: LiveServer;
let client: TaskManagerClient;

beforeAll(async () => {
  server = await startLiveServer();
  client = new TaskManagerClient({ baseUrl: server.baseUrl });
}, 40_000);

afterAll(async () => {
  await server?.stop();
});

describe('TaskManagerClient cluster views', () => {
  it('lists the task types of the embedded default', async () => {
    const types = await client.listTaskTypes();
    const echo = types.find((type) => type.task_type === 'echo');
    expect(echo).toMatchObject({
      task_type: 'echo',
      enabled: true,
      retry_strategy: expect.stringMatching(/^(FIXED|EXPONENTIAL)$/),
    });
    expect(typeof echo?.default_timeout).toBe('number');
  });

  it('lists the process worker once it registered, and names the elected leader', async () => {
    const workers = await waitFor(
      async () => {
        const listed = await client.listWorkers();
        return listed.some((worker) => worker.healthy) ? listed : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'a healthy worker' },
    );
    expect(workers[0]).toMatchObject({
      status: 'ONLINE',
      healthy: true,
      capacity: expect.any(Number),
      supported_types: expect.arrayContaining(['echo']),
    });

    const scheduler = await waitFor(
      async () => {
        const status = await client.getScheduler();
        return status.leader_id ? status : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'a leader' },
    );
    expect(scheduler).toMatchObject({
      is_leader: true,
      leader_id: scheduler.scheduler_id,
      lock_ttl_ms: expect.any(Number),
    });
    expect(Date.parse(scheduler.leader_since ?? '')).not.toBeNaN();
  });

  it('counts tasks by status and shows delayed tasks in the queue lengths', async () => {
    const before = await client.getStats();
    const queuesBefore = await client.getQueues();
    await client.createTask({ task_type: 'echo', payload: {}, delay: 3600 });
    const after = await client.getStats();
    expect(after.tasks.by_status.PENDING).toBe(before.tasks.by_status.PENDING + 1);
    expect(after.tasks.total).toBe(before.tasks.total + 1);
    const queues = await client.getQueues();
    expect(queues.delayed).toBe(queuesBefore.delayed + 1);
    expect(queues).toMatchObject({
      high: expect.any(Number),
      normal: expect.any(Number),
      claimed: expect.any(Number),
      workers: expect.any(Object),
    });
  });

  it('creates, lists, pauses, resumes and deletes a schedule; pauses and resumes a task type', async () => {
    const created = await client.createSchedule({
      schedule_id: 'client-nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      task: { task_type: 'echo', payload: { report: true } },
    });
    expect(created).toMatchObject({ schedule_id: 'client-nightly', enabled: true });
    expect(created.next_run_at).not.toBeNull();
    expect((await client.listSchedules()).map((s) => s.schedule_id)).toContain('client-nightly');
    expect((await client.setSchedulePaused('client-nightly', true)).enabled).toBe(false);
    expect((await client.setSchedulePaused('client-nightly', false)).enabled).toBe(true);
    expect((await client.getSchedule('client-nightly')).task.task_type).toBe('echo');
    await client.deleteSchedule('client-nightly');
    const error = await client.getSchedule('client-nightly').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskManagerError);
    expect(error).toMatchObject({ status: 404, code: 40402 });
    expect((await client.setTaskTypePaused('echo', true)).paused).toBe(true);
    expect((await client.setTaskTypePaused('echo', false)).paused).toBe(false);
  });

  it('calls onUpdate with every read of the task while waiting, the final one last', async () => {
    const { task_id } = await client.createTask({ task_type: 'sleep', payload: { ms: 300 } });
    const seen: TaskStatus[] = [];
    const task = await client.waitForTask(task_id, {
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      onUpdate: (update) => seen.push(update.status),
    });
    expect(task.status).toBe('SUCCESS');
    expect(seen.at(-1)).toBe('SUCCESS');
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.slice(0, -1).every((status) => status === 'PENDING' || status === 'PROCESSING')).toBe(true);
  });
});
