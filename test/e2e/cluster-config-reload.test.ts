/**
 * Hot reload in a cluster: two `taskmanager start` processes on MySQL + Redis, each with its
 * own copy of a YAML config. Editing one copy changes only that process; the shared worker
 * registry (and so /api/v1/workers on any node) shows it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { REDIS_URL, mysqlAvailability, redisAvailability, uniqueSuffix } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { Cluster } from './support/cluster.ts';
import { DISTRIBUTED_CONFIG, baseEnv, runCli } from './support/node-process.ts';

const redis = await redisAvailability();
const mysql = await mysqlAvailability();
const skipReason = [redis.reason, mysql.reason].filter(Boolean).join('; ');
const PREFIX = `${uniqueSuffix('e2e_reload')}:`;

function yamlConfig(capacity: number): string {
  return `app:
  watchConfig: true
worker:
  capacity: ${capacity}
taskTypes:
  - { taskType: sleep, executorType: demo, maxConcurrent: 0 }
plugins:
  - storage-mysql
  - queue-redis
  - load-balancers
  - executor-demo
  - metrics-prometheus
  - http-api
`;
}

describe.skipIf(Boolean(skipReason))('config reload in a two-process cluster on MySQL + Redis', () => {
  let db: TestDatabase;
  let dir: string;
  let cluster: Cluster | undefined;
  const fileOf = (node: number) => path.join(dir, `node-${node}`, 'taskmanager.config.yaml');

  beforeAll(async () => {
    db = await createTestDatabase('e2e_reload');
    await runCli(['migrate', '--config', DISTRIBUTED_CONFIG], {
      ...baseEnv(),
      TM_MYSQL_URL: db.url,
      TM_APP_LOG_LEVEL: 'warn',
    });
    dir = await mkdtemp(path.join(os.tmpdir(), 'tm-cluster-reload-'));
    for (const node of [1, 2]) {
      await mkdir(path.join(dir, `node-${node}`));
      await writeFile(fileOf(node), yamlConfig(3));
    }
    cluster = await Cluster.start(
      'reload',
      2,
      { TM_MYSQL_URL: db.url, TM_REDIS_URL: REDIS_URL, TM_REDIS_PREFIX: PREFIX },
      fileOf,
    );
  }, 90_000);

  afterAll(async () => {
    await cluster?.killAll();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      for await (const keys of client.scanStream({ match: `${PREFIX}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
      }
    } finally {
      client.disconnect();
    }
  }, 60_000);

  const capacities = async () => {
    const byNode = new Map<number, number>();
    for (const worker of await cluster!.workers()) {
      const node = cluster!.nodes.findIndex((n) => worker.worker_id.startsWith(`worker-${n.nodeId}-`)) + 1;
      byNode.set(node, worker.capacity);
    }
    return byNode;
  };

  it('each process reloads its own copy of the config', async () => {
    expect(await capacities()).toEqual(
      new Map([
        [1, 3],
        [2, 3],
      ]),
    );

    await writeFile(fileOf(1), yamlConfig(8));
    await waitFor(async () => (await capacities()).get(1) === 8, {
      timeoutMs: 5_000,
      intervalMs: 100,
      message: 'node 1 at capacity 8',
    });
    expect((await capacities()).get(2)).toBe(3);

    await writeFile(fileOf(2), yamlConfig(5));
    await waitFor(async () => (await capacities()).get(2) === 5, {
      timeoutMs: 5_000,
      intervalMs: 100,
      message: 'node 2 at capacity 5',
    });
    expect((await capacities()).get(1)).toBe(8);

    // Work still flows through both workers after the reloads.
    const ids = await cluster!.createSleepTasks(Array.from({ length: 12 }, () => 50));
    await cluster!.waitAllStatus(ids, 'SUCCESS', 15_000);
  });
});
