import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS, type TaskManager } from '../../core/index.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { gate, memoryApp, waitForStatus } from '../helpers/memory-app.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Long leases so a fake clock moved by minutes never expires the leader or the worker. */
const STEADY = {
  scheduler: { leaderLockTtl: '1h', leaderRenewInterval: '10m' },
  worker: { heartbeatTimeout: '1h', heartbeatInterval: '10m' },
};

describe('scheduling', () => {
  it('runs HIGH before NORMAL tasks queued earlier', async () => {
    const order: string[] = [];
    const blocker = gate();
    const blocking = gate();
    app = await memoryApp({
      handlers: {
        block: () => (blocking.open(), blocker.promise.then(() => null)),
        job: (payload) => void order.push(String(payload.name)),
      },
      // Strict priority over tasks already handed to the worker needs prefetch 0.
      config: { worker: { capacity: 1 }, scheduler: { prefetch: 0 } },
    });
    await app.start();
    await app.services.tasks.create({ taskType: 'block', payload: {} });
    await blocking.promise;
    for (const name of ['n1', 'n2', 'n3']) await app.services.tasks.create({ taskType: 'job', payload: { name } });
    const high = await app.services.tasks.create({ taskType: 'job', payload: { name: 'h1' }, priority: 1 });
    blocker.open();
    await expect.poll(() => order.length, { timeout: 3000 }).toBe(4);
    expect(order).toEqual(['h1', 'n1', 'n2', 'n3']);
    expect((await app.services.tasks.get(high.task.taskId)).priority).toBe(1);
  });

  it('keeps a task type under its max_concurrent and a worker under its capacity', async () => {
    let running = { capped: 0, free: 0 };
    const peak = { capped: 0, free: 0, total: 0 };
    const track = (kind: 'capped' | 'free') => async () => {
      running = { ...running, [kind]: running[kind] + 1 };
      peak[kind] = Math.max(peak[kind], running[kind]);
      peak.total = Math.max(peak.total, running.capped + running.free);
      await new Promise((r) => setTimeout(r, 30));
      running = { ...running, [kind]: running[kind] - 1 };
    };
    app = await memoryApp({
      handlers: { capped: track('capped'), free: track('free') },
      taskTypes: [{ taskType: 'capped', maxConcurrent: 2 }],
      config: { worker: { capacity: 5 } },
    });
    await app.start();
    const created = await app.services.tasks.createMany([
      ...Array.from({ length: 8 }, () => ({ taskType: 'capped', payload: {} })),
      ...Array.from({ length: 12 }, () => ({ taskType: 'free', payload: {} })),
    ]);
    for (const { task } of created) await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(peak.capped).toBe(2);
    expect(peak.total).toBe(5);
    expect(peak.free).toBeGreaterThanOrEqual(3);
  });

  it('never runs a PENDING task cancelled before it was due', async () => {
    const clock = new FakeClock();
    let runs = 0;
    app = await memoryApp({ handlers: { job: () => void runs++ }, clock, config: STEADY });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'job', payload: {}, delayMs: 60_000 });
    const cancelled = await app.services.tasks.cancel(task.taskId);
    expect(cancelled.status).toBe('CANCELLED');
    clock.advance(61_000);
    expect(await app.scheduler!.promoteDue()).toBe(1);
    // The promoted entry reaches the scheduler and is dropped; a control task shows the loop ran.
    const control = await app.services.tasks.create({ taskType: 'job', payload: {} });
    await waitForStatus(app, control.task.taskId, ['SUCCESS']);
    expect(runs).toBe(1);
    expect((await app.services.tasks.get(task.taskId)).status).toBe('CANCELLED');
    const logs = await app.services.tasks.logs(task.taskId);
    expect(logs.map((l) => l.message)).toEqual(['Task created', 'Task cancelled by user']);
  });

  it('times out a task, retries it after the exponential backoff, and runs it again', async () => {
    const clock = new FakeClock();
    let calls = 0;
    app = await memoryApp({
      handlers: {
        slow: (_p, ctx) => {
          calls++;
          if (calls > 1) return { second: true };
          return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        },
      },
      taskTypes: [
        { taskType: 'slow', retryStrategy: 'EXPONENTIAL', retryDelay: 10, backoffRate: 2, defaultMaxRetry: 3 },
      ],
      clock,
      config: STEADY,
    });
    await app.start();
    const retriedEvent = new Promise<void>((resolve) => app!.events.on('task_retried', () => resolve()));
    const { task } = await app.services.tasks.create({ taskType: 'slow', payload: {}, timeout: 1 });
    await retriedEvent; // emitted once the retry is durable
    const retried = await app.services.tasks.get(task.taskId);
    expect(retried.retryCount).toBe(1);
    expect(retried.status).toBe('PENDING');
    expect(retried.errorMsg).toBe('Task execution timeout');
    expect(retried.scheduledAt.getTime() - clock.now().getTime()).toBe(20_000); // 10 s × 2^1
    const messages = (await app.services.tasks.logs(task.taskId)).map((l) => l.message);
    expect(messages).toEqual(expect.arrayContaining(['Task timeout, retry 1/3', 'Task retry scheduled, delay: 20s']));
    clock.advance(19_000);
    expect(await app.scheduler!.promoteDue()).toBe(0);
    clock.advance(1_000);
    expect(await app.scheduler!.promoteDue()).toBe(1);
    const done = await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(done.result).toEqual({ second: true });
    expect(done.retryCount).toBe(1);
  });

  it('the timeout scan catches a PROCESSING task whose worker went silent', async () => {
    const clock = new FakeClock();
    app = await memoryApp({ handlers: { job: () => null }, clock, config: { ...STEADY, roles: ['api', 'scheduler'] } });
    await app.start();
    const { task } = await app.services.tasks.create({ taskType: 'job', payload: {}, timeout: 30, maxRetry: 0 });
    const storage = app.resolve(TOKENS.Storage);
    await storage.transition([
      {
        taskId: task.taskId,
        from: 'PENDING',
        to: 'PROCESSING',
        patch: { workerId: 'ghost', startedAt: clock.now() },
        logs: [],
        at: clock.now(),
      },
    ]);
    clock.advance(30_000);
    expect(await app.scheduler!.timeoutScan()).toBe(0); // exactly at the deadline: not yet
    clock.advance(1);
    expect(await app.scheduler!.timeoutScan()).toBe(1);
    const timedOut = await app.services.tasks.get(task.taskId);
    expect(timedOut.status).toBe('TIMEOUT');
    expect((await app.services.tasks.logs(task.taskId)).map((l) => l.message)).toContain(
      'Task timeout and max retry reached',
    );
  });

  it('recovers the tasks of a dead worker and runs them elsewhere', async () => {
    const clock = new FakeClock();
    app = await memoryApp({
      handlers: { job: () => ({ ok: 1 }) },
      clock,
      config: { scheduler: STEADY.scheduler, worker: { heartbeatTimeout: '30s', heartbeatInterval: '20s' } },
    });
    await app.start();
    const coordination = app.resolve(TOKENS.Coordination);
    const storage = app.resolve(TOKENS.Storage);
    const queue = app.resolve(TOKENS.Queue);
    // A worker that took a task, then died: registered, silent, its task PROCESSING.
    await coordination.workers.register(
      {
        workerId: 'dead-1',
        workerName: 'dead',
        address: 'x:1',
        status: 'ONLINE',
        capacity: 5,
        currentLoad: 1,
        supportedTypes: ['job'],
        weight: 1,
        lastHeartbeat: clock.now(),
      },
      30_000,
    );
    const { task } = await app.services.tasks.create({ taskType: 'job', payload: {}, delayMs: 3_600_000 });
    await storage.transition([
      {
        taskId: task.taskId,
        from: 'PENDING',
        to: 'PROCESSING',
        patch: { workerId: 'dead-1', startedAt: clock.now() },
        logs: [],
        at: clock.now(),
      },
    ]);
    await queue.dispatch('dead-1', [task.taskId]);

    // The live worker heartbeats (driven by hand here), the dead one stays silent.
    clock.advance(20_000);
    expect(await coordination.workers.heartbeat(app.worker!.id, 0, clock.now(), 30_000)).toBe(true);
    clock.advance(11_000);
    expect(await app.scheduler!.healthCheck()).toEqual(['dead-1']);
    const done = await waitForStatus(app, task.taskId, ['SUCCESS']);
    expect(done.workerId).toBe(app.worker!.id);
    const messages = (await app.services.tasks.logs(task.taskId)).map((l) => l.message);
    expect(messages).toContain('Task recovered from failed worker dead-1');
    expect((await coordination.workers.listWorkers()).map((w) => w.workerId)).toEqual([app.worker!.id]);
    expect((await queue.lengths()).workers['dead-1']?.queued ?? 0).toBe(0);
  });

  it('queues at most `prefetch` × capacity tasks ahead of a busy worker', async () => {
    const release = gate();
    let running = 0;
    app = await memoryApp({
      handlers: {
        job: async () => {
          running++;
          await release.promise;
        },
      },
      config: { worker: { capacity: 2 }, scheduler: { prefetch: 1 } },
    });
    await app.start();
    await app.services.tasks.createMany(Array.from({ length: 10 }, () => ({ taskType: 'job', payload: {} })));
    const storage = app.resolve(TOKENS.Storage);
    await expect.poll(async () => (await storage.countByStatus()).PROCESSING, { timeout: 3000 }).toBe(4);
    expect(await app.scheduler!.tick()).toBe(0); // full: 2 running + 2 queued
    expect(running).toBe(2);
    expect((await storage.countByStatus()).PENDING).toBe(6);
    release.open();
    await expect.poll(async () => (await storage.countByStatus()).SUCCESS, { timeout: 3000 }).toBe(10);
  });

  it('never starts a task cancelled while it waited in a busy worker', async () => {
    const release = gate();
    const started: number[] = [];
    app = await memoryApp({
      handlers: {
        job: async (payload) => {
          const n = payload.n as number;
          started.push(n);
          if (n === 1) await release.promise;
        },
      },
      config: { worker: { capacity: 1 }, scheduler: { prefetch: 1 } },
    });
    await app.start();
    const [first, second, third] = await app.services.tasks.createMany(
      [1, 2, 3].map((n) => ({ taskType: 'job', payload: { n } })),
    );
    await waitForStatus(app, first!.task.taskId, ['PROCESSING']);
    // The second is already handed to the worker (queued or taken ahead), not started.
    await waitForStatus(app, second!.task.taskId, ['PROCESSING']);
    await app.services.tasks.cancel(second!.task.taskId);
    release.open();
    const last = await waitForStatus(app, third!.task.taskId, ['SUCCESS', 'FAILED']);
    expect(last.errorMsg).toBeNull();
    expect(started).toEqual([1, 3]);
    expect((await app.services.tasks.get(second!.task.taskId)).status).toBe('CANCELLED');
  });

  it('puts tasks back when their worker left between planning and dispatch', async () => {
    app = await memoryApp({ handlers: { job: () => null }, config: { roles: ['api', 'scheduler'] } });
    const coordination = app.resolve(TOKENS.Coordination);
    const queue = app.resolve(TOKENS.Queue);
    // Another scheduler holds the lock, so this one's loop stays idle and the test drives tick().
    await coordination.leader.tryAcquire('scheduler-elsewhere', 3_600_000);
    await app.start();
    await coordination.workers.register(
      {
        workerId: 'leaving',
        workerName: 'leaving',
        address: 'x:1',
        status: 'ONLINE',
        capacity: 5,
        currentLoad: 0,
        supportedTypes: ['job'],
        weight: 1,
        lastHeartbeat: new Date(),
      },
      3_600_000,
    );
    expect(await app.scheduler!.tick()).toBe(0); // the scheduler now has "leaving" in its worker list
    await coordination.workers.removeWorker('leaving');
    const { task } = await app.services.tasks.create({ taskType: 'job', payload: {} });
    expect(await app.scheduler!.tick()).toBe(0);

    const back = await app.services.tasks.get(task.taskId);
    expect(back.status).toBe('PENDING');
    expect(back.workerId).toBeNull();
    const lengths = await queue.lengths();
    expect({
      normal: lengths.normal,
      claimed: lengths.claimed,
      leaving: lengths.workers['leaving']?.queued ?? 0,
    }).toEqual({ normal: 1, claimed: 0, leaving: 0 });
    expect((await app.services.tasks.logs(task.taskId)).map((l) => l.message)).toEqual([
      'Task created',
      'Task assigned to worker',
      'Task recovered from failed worker leaving',
    ]);
  });
});
