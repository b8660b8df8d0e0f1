/**
 * GET /api/v1/events across processes, as examples/distributed deploys it on MySQL + Redis:
 * an api-only process streams to its client the events a scheduler+worker process emits.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { REDIS_URL, mysqlAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { FAST_TIMINGS } from './support/cluster.ts';
import { DISTRIBUTED_CONFIG, NodeProcess, baseEnv, freePort, runCli } from './support/node-process.ts';

const redis = await redisAvailability();
const mysql = await mysqlAvailability();
const skipReason = [redis.reason, mysql.reason].filter(Boolean).join('; ');
if (skipReason) console.warn(`events cluster e2e skipped: ${skipReason}`);

const PREFIX = `${uniqueSuffix('e2e_events')}:`;

describe.skipIf(Boolean(skipReason))('live events across processes', () => {
  let db: TestDatabase;
  let api: NodeProcess | undefined;
  let runner: NodeProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('e2e_events');
    const env = {
      ...baseEnv(),
      ...FAST_TIMINGS,
      TM_MYSQL_URL: db.url,
      TM_REDIS_URL: REDIS_URL,
      TM_REDIS_PREFIX: PREFIX,
    };
    await runCli(['migrate', '--config', DISTRIBUTED_CONFIG], env);
    api = new NodeProcess('events-api', await freePort(), { ...env, TM_ROLES: 'api' });
    runner = new NodeProcess('events-runner', await freePort(), { ...env, TM_ROLES: 'scheduler,worker' });
    await api.ready();
    // The runner serves no HTTP: it is ready once the api process sees its worker and its leadership.
    await waitFor(
      async () => {
        const [workers, scheduler] = await Promise.all([
          fetch(`${api!.url}/api/v1/workers`).then(
            (r) => r.json() as Promise<{ data: { worker_id: string; healthy: boolean }[] }>,
          ),
          fetch(`${api!.url}/api/v1/scheduler`).then(
            (r) => r.json() as Promise<{ data: { leader_id: string | null } }>,
          ),
        ]);
        return (
          workers.data.some((w) => w.worker_id.includes('events-runner') && w.healthy) &&
          scheduler.data.leader_id?.includes('events-runner')
        );
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the runner process online and leading' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- api\n${api?.logs()}\n--- runner\n${runner?.logs()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api?.kill('SIGTERM'), runner?.kill('SIGTERM')]);
    await db?.drop();
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      for await (const keys of client.scanStream({ match: `${PREFIX}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
      }
    } finally {
      client.disconnect();
    }
  }, 30_000);

  it('an SSE client of the api process receives the events the worker process emits', async () => {
    const stream = await connectSse(`${api!.url}/api/v1/events?task_type=sleep`);
    try {
      expect(stream.status).toBe(200);
      const created = await fetch(`${api!.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task_type: 'sleep', payload: { ms: 50 } }),
      });
      const taskId = ((await created.json()) as { data: { task_id: string } }).data.task_id;
      const completed = await stream.waitFor((m) => m.event === 'task_completed' && m.data.task_id === taskId, 15_000);
      const createdEvent = await stream.waitFor((m) => m.event === 'task_created' && m.data.task_id === taskId);
      // Created here, run there: the completion crossed from the runner's process over Redis.
      expect(createdEvent.data.origin).toMatch(/^events-api:/);
      expect(completed.data.origin).toMatch(/^events-runner:/);
      expect(completed.data.data.worker_id).toContain('events-runner');
      const assigned = await stream.waitFor((m) => m.event === 'task_assigned' && m.data.task_id === taskId);
      expect(assigned.data.origin).toMatch(/^events-runner:/);
    } finally {
      stream.close();
    }
  }, 30_000);
});
