/**
 * /metrics of a live app on MySQL + a Redis of the test's own (so it can be restarted),
 * scraped over HTTP: what the scheduler, the workers, the tasks, the leader's samples and
 * the dependencies report after real work.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, NonRetryableError, type TaskManager } from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { prometheusMetrics, type PrometheusMetricsPlugin } from '../../plugins/metrics-prometheus/index.ts';
import { redisQueue } from '../../plugins/queue-redis/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { freePort } from '../e2e/support/node-process.ts';
import { OwnRedis, redisServerInstalled } from '../e2e/support/redis-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';
import { waitForStatus } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';

const mysql = await mysqlAvailability();
const ownRedis = await redisServerInstalled();
if (!ownRedis && process.env.CI === 'true') throw new Error('redis-server is not installed, and CI=true requires it');

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(!mysql.available || !ownRedis)('metrics of a live app', () => {
  let db: TestDatabase;
  let redis: OwnRedis;
  let app: TaskManager;
  let apiOnly: TaskManager;
  let metrics: PrometheusMetricsPlugin;
  let apiMetrics: PrometheusMetricsPlugin;
  let attempts = 0;

  const scrape = async (plugin: PrometheusMetricsPlugin = metrics) =>
    (await fetch(`http://127.0.0.1:${plugin.listeningPort()}/metrics`)).text();

  const build = (roles: ('api' | 'scheduler' | 'worker')[], plugin: PrometheusMetricsPlugin) =>
    createTaskManager(
      {
        app: { logLevel: 'silent', nodeId: roles.length === 1 ? 'api-node' : 'all-node' },
        roles,
        scheduler: { scanInterval: '20ms' },
        worker: { takeWait: '100ms', heartbeatInterval: '200ms', heartbeatTimeout: '2s', capacity: 4 },
        mysql: { url: db.url, poolSize: 4 },
        redis: { url: redis.url, connectTimeout: '500ms', commandTimeout: '1s' },
        taskTypes: [
          { taskType: 'echo', executorType: 'local', maxConcurrent: 0 },
          { taskType: 'boom', executorType: 'local', maxConcurrent: 0 },
          { taskType: 'flaky', executorType: 'local', defaultMaxRetry: 1, retryDelay: 0, maxConcurrent: 0 },
        ],
        plugins: [
          mysqlStorage(),
          redisQueue(),
          loadBalancers(),
          localExecutor({
            echo: (payload) => payload,
            boom: () => {
              throw new NonRetryableError('card declined');
            },
            flaky: () => {
              if (++attempts === 1) throw new Error('try again');
              return 'ok';
            },
          }),
          plugin,
        ],
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    );

  beforeAll(async () => {
    db = await createTestDatabase('metrics_live');
    await runMigrations(db.url);
    redis = await OwnRedis.start(await freePort());
    metrics = prometheusMetrics({ port: 0, host: '127.0.0.1', defaultMetrics: false });
    apiMetrics = prometheusMetrics({ port: 0, host: '127.0.0.1', defaultMetrics: false });
    app = await build(['api', 'scheduler', 'worker'], metrics);
    apiOnly = await build(['api'], apiMetrics);
    await app.start();
    await apiOnly.start();
    await waitFor(() => app.scheduler!.isLeader, { message: 'leadership' });
  }, 60_000);

  afterAll(async () => {
    await apiOnly?.stop();
    await app?.stop();
    await redis?.destroy();
    await db?.drop();
  }, 60_000);

  it('reports scheduling, queue wait, outcomes, retries and dead tasks', async () => {
    const tasks = app.services.tasks;
    const echoes = await tasks.createMany(Array.from({ length: 5 }, (_, i) => ({ taskType: 'echo', payload: { i } })));
    const boom = (await tasks.create({ taskType: 'boom', payload: {} })).task.taskId;
    const flaky = (await tasks.create({ taskType: 'flaky', payload: {} })).task.taskId;
    const later = (await tasks.create({ taskType: 'echo', payload: {}, delayMs: 3_600_000 })).task.taskId;
    const cancelled = (await tasks.create({ taskType: 'echo', payload: {}, delayMs: 3_600_000 })).task.taskId;
    await tasks.cancel(cancelled);
    for (const { task } of echoes) await waitForStatus(app, task.taskId, ['SUCCESS']);
    await waitForStatus(app, boom, ['FAILED']);
    await waitForStatus(app, flaky, ['SUCCESS'], 10_000);

    const text = await waitFor(async () => {
      const t = await scrape();
      return (sample(t, 'task_retries_total{task_type="flaky"}') ?? 0) >= 1 ? t : undefined;
    });
    expect(sample(text, 'scheduler_rounds_total')).toBeGreaterThan(0);
    expect(sample(text, 'scheduler_dispatched_tasks_total')).toBeGreaterThanOrEqual(8);
    expect(sample(text, 'scheduler_round_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'scheduler_leader_elections_total')).toBe(1);
    expect(sample(text, `scheduler_is_leader{scheduler_id="${app.scheduler!.id}"}`)).toBe(1);
    expect(sample(text, 'task_queue_wait_seconds_count{task_type="echo"}')).toBe(5);
    expect(sample(text, 'task_created_total{task_type="echo"}')).toBe(7);
    expect(sample(text, 'task_completed_total{task_type="echo",status="SUCCESS"}')).toBe(5);
    expect(sample(text, 'task_failed_total{task_type="boom",reason="non_retryable"}')).toBe(1);
    expect(sample(text, 'task_failed_total{task_type="flaky",reason="error"}')).toBe(1);
    expect(sample(text, 'task_dead_total{task_type="boom",status="FAILED"}')).toBe(1);
    expect(sample(text, 'task_retries_total{task_type="flaky"}')).toBe(1);
    expect(sample(text, 'task_cancelled_total{task_type="echo"}')).toBe(1);
    expect(later).toBeTruthy();
  });

  it('the leader samples queue lengths (delayed and claimed too) and the worker registry; other processes do not', async () => {
    const text = await scrape();
    expect(sample(text, 'queue_length{queue="delayed"}')).toBe(2); // the two tasks due in an hour (one cancelled, still parked)
    expect(sample(text, 'queue_length{queue="high"}')).toBe(0);
    expect(sample(text, 'queue_length{queue="normal"}')).toBe(0);
    expect(sample(text, 'queue_length{queue="claimed"}')).toBe(0);
    expect(sample(text, 'cluster_workers{state="healthy"}')).toBe(1);
    expect(sample(text, 'cluster_workers{state="unhealthy"}')).toBe(0);
    const worker = app.worker!.id;
    expect(sample(text, `worker_capacity{worker_id="${worker}"}`)).toBe(4);
    const age = sample(text, `worker_heartbeat_age_seconds{worker_id="${worker}"}`)!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(2);

    const follower = await scrape(apiMetrics);
    expect(follower).not.toMatch(/^queue_length\{/m);
    expect(follower).not.toMatch(/^cluster_workers\{/m);
    expect(follower).not.toMatch(/^worker_heartbeat_age_seconds\{/m);
    expect(follower).toMatch(/^task_created_total|# TYPE task_created_total counter/m);
  });

  it('times storage queries and reports the MySQL pool', async () => {
    const text = await scrape();
    expect(sample(text, 'storage_query_duration_seconds_count{storage="mysql",operation="select"}')).toBeGreaterThan(0);
    expect(sample(text, 'storage_query_duration_seconds_count{storage="mysql",operation="update"}')).toBeGreaterThan(0);
    expect(sample(text, 'storage_pool_max_connections{storage="mysql"}')).toBe(4);
    const inUse = sample(text, 'storage_pool_connections{storage="mysql",state="in_use"}')!;
    const idle = sample(text, 'storage_pool_connections{storage="mysql",state="idle"}')!;
    expect(inUse + idle).toBeGreaterThan(0);
    expect(inUse + idle).toBeLessThanOrEqual(4);
    expect(sample(text, 'storage_pool_waiting_requests{storage="mysql"}')).toBe(0);
  });

  it('counts Redis errors while it is down and the reconnects once it is back', async () => {
    const before = await scrape();
    expect(sample(before, 'dependency_reconnects_total{dependency="redis",connection="command"}') ?? 0).toBe(0);
    await redis.stop();
    await waitFor(
      async () => (sample(await scrape(), 'dependency_errors_total{dependency="redis",kind="connection"}') ?? 0) > 0,
      {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: 'Redis connection errors counted',
      },
    );
    await redis.start();
    await waitFor(
      async () => {
        const t = await scrape();
        const reconnects = (connection: string) =>
          sample(t, `dependency_reconnects_total{dependency="redis",connection="${connection}"}`) ?? 0;
        return reconnects('command') >= 1 && reconnects('subscriber') >= 1;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: 'the command and subscriber reconnects counted' },
    );
    // Work flows again.
    const { task } = await app.services.tasks.create({ taskType: 'echo', payload: { after: true } });
    await waitForStatus(app, task.taskId, ['SUCCESS'], 15_000);
  }, 40_000);
});
