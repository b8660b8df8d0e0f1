/**
 * examples/postgres as real processes on the real Redis and PostgreSQL, and kill -9: of the
 * leader, and of a worker mid-task. Nothing is lost (every task ends SUCCESS) and nothing
 * runs to completion twice (one PROCESSING → SUCCESS log row per task). The MySQL twin is
 * cluster.test.ts; every node runs all three roles, timings shortened through TM_* variables.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../helpers/postgres-test-schema.ts';
import { POSTGRES_URL, REDIS_URL, postgresAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { Cluster } from './support/cluster.ts';
import { REPO_ROOT, baseEnv, runCli } from './support/node-process.ts';

const redis = await redisAvailability();
const postgres = await postgresAvailability();
const skipReason = [redis.reason, postgres.reason].filter(Boolean).join('; ');
if (skipReason) console.warn(`postgres cluster e2e skipped: ${skipReason}`);

const POSTGRES_CONFIG = path.join(REPO_ROOT, 'examples/postgres/taskmanager.config.ts');
const PREFIX = `${uniqueSuffix('e2e_pg_cluster')}:`;
const LOCK_TTL_MS = 2_000;

/** ms from `from` to `to`, spread evenly. */
function durations(count: number, from: number, to: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(from + ((to - from) * i) / Math.max(1, count - 1)));
}

describe.skipIf(Boolean(skipReason))('a three-node cluster on PostgreSQL + Redis', () => {
  let schema: TestSchema;
  let cluster: Cluster | undefined;
  const measured: string[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('e2e_pg_cluster');
    await runCli(['migrate', '--config', POSTGRES_CONFIG], {
      ...baseEnv(),
      TM_POSTGRES_URL: POSTGRES_URL,
      TM_POSTGRES_SCHEMA: schema.name,
      TM_APP_LOG_LEVEL: 'warn',
    });
  }, 60_000);

  afterEach(async () => {
    await cluster?.killAll();
    cluster = undefined;
  });

  afterAll(async () => {
    await cluster?.killAll();
    await schema?.drop();
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      for await (const keys of client.scanStream({ match: `${PREFIX}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
      }
    } finally {
      client.disconnect();
    }
    if (measured.length > 0) console.info(measured.join('\n'));
  }, 60_000);

  const start = (label: string, scenario: string) =>
    Cluster.start(
      label,
      3,
      {
        TM_POSTGRES_URL: POSTGRES_URL,
        TM_POSTGRES_SCHEMA: schema.name,
        TM_REDIS_URL: REDIS_URL,
        TM_REDIS_PREFIX: `${PREFIX}${scenario}:`,
      },
      () => POSTGRES_CONFIG,
    );

  /** One PROCESSING → SUCCESS row per task: no task ran to completion twice. */
  async function expectSucceededOnce(ids: string[]): Promise<Awaited<ReturnType<Cluster['logs']>>[]> {
    const logs = await Promise.all(ids.map((id) => cluster!.logs(id)));
    for (const [i, entries] of logs.entries()) {
      const successes = entries.filter((l) => l.from_status === 'PROCESSING' && l.to_status === 'SUCCESS');
      expect(successes, `task ${ids[i]} PROCESSING→SUCCESS rows`).toHaveLength(1);
    }
    return logs;
  }

  it('elects another leader within the lock TTL + 1 s after kill -9 of the leader, losing no task', async () => {
    cluster = await start('pglead', 'leader');
    const ids = await cluster.createSleepTasks(durations(20, 200, 600));
    await waitFor(async () => (await cluster!.tasksWithStatus('PROCESSING')).length > 0, {
      timeoutMs: 5_000,
      message: 'tasks running',
    });

    const leader = (await cluster.leaderNode())!;
    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    const survivors = cluster.alive;
    const successor = await waitFor(
      async () => {
        for (const node of survivors) {
          const view = await cluster!.schedulerView(node);
          if (view?.is_leader && view.leader_id?.includes(node.nodeId)) return node;
        }
        return undefined;
      },
      { timeoutMs: LOCK_TTL_MS + 3_000, intervalMs: 25, message: 'a new leader' },
    );
    const elapsed = Date.now() - killedAt;
    measured.push(`postgres: leader failover after kill -9: ${elapsed} ms (lock TTL ${LOCK_TTL_MS} ms)`);
    expect(successor.nodeId).not.toBe(leader.nodeId);
    expect(elapsed).toBeLessThanOrEqual(LOCK_TTL_MS + 1_000);

    await cluster.waitAllStatus(ids, 'SUCCESS', 20_000);
    await expectSucceededOnce(ids);
  }, 45_000);

  it('recovers the tasks of a worker killed mid-task: each ends SUCCESS exactly once', async () => {
    cluster = await start('pgwork', 'worker');
    const leader = (await cluster.leaderNode())!;
    const ids = await cluster.createSleepTasks(durations(30, 300, 800));

    // The victim: a node that is running tasks; preferably not the leader, to see worker recovery alone.
    const victim = await waitFor(
      async () => {
        const nodes = (await cluster!.tasksWithStatus('PROCESSING')).flatMap((t) => {
          const node = t.worker_id ? cluster!.nodeOfWorker(t.worker_id) : undefined;
          return node ? [node] : [];
        });
        return nodes.find((n) => n !== leader) ?? nodes[0];
      },
      { timeoutMs: 5_000, message: 'a node running tasks' },
    );
    const killedAt = Date.now();
    await victim.kill('SIGKILL');

    await cluster.waitAllStatus(ids, 'SUCCESS', 25_000);
    const allDoneMs = Date.now() - killedAt;
    const logs = await expectSucceededOnce(ids);
    const recovered = logs.filter((entries) =>
      entries.some((l) => l.message.startsWith('Task recovered from failed worker')),
    );
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    const recoveredFrom = recovered.flatMap((entries) =>
      entries.filter((l) => l.message.startsWith('Task recovered')).map((l) => l.message),
    );
    expect(recoveredFrom.every((m) => m.includes(`worker-${victim.nodeId}-`))).toBe(true);
    measured.push(
      `postgres: worker kill -9 (${victim === leader ? 'the leader' : 'a follower'}): ${recovered.length} tasks recovered, all 30 SUCCESS ${allDoneMs} ms after the kill`,
    );
  }, 60_000);
});
