import { Redis } from 'ioredis';
import { FAST_TIMINGS } from '../../e2e/support/cluster.ts';
import { NodeProcess, baseEnv, freePort } from '../../e2e/support/node-process.ts';
import type { OwnRedis } from '../../e2e/support/redis-server.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TcpProxy } from '../../helpers/tcp-proxy.ts';
import { WriteWatch } from './write-watch.ts';

/**
 * The timings the suite runs with: the cluster e2e's short ones. The recovery bounds of
 * docs/operations.md are formulas of these settings; `bounds` below evaluates them.
 */
export const TIMINGS = {
  leaderLockTtlMs: 2_000,
  heartbeatTimeoutMs: 2_000,
  heartbeatIntervalMs: 500,
  healthCheckIntervalMs: 500,
  reconcileIntervalMs: 1_000,
  reconcileGraceMs: 1_000,
};

export interface ChaosNode {
  readonly id: string;
  readonly api: boolean;
  /** Between this node and MySQL / Redis, so one node alone can be cut off. */
  readonly mysqlProxy: TcpProxy;
  readonly redisProxy: TcpProxy;
  /** What this node writes to MySQL and Redis that only a leader (or only the API) writes. */
  readonly writes: WriteWatch;
  process: NodeProcess;
  readonly port: number;
  /** The worker id of the current process, once registered. */
  workerId: string | undefined;
  /** Worker ids of the node's earlier processes. */
  readonly pastWorkerIds: Set<string>;
}

/**
 * One API process and three scheduler+worker processes of the distributed example config,
 * each behind its own TCP proxies to MySQL (the shared server, the suite's own database) and
 * to a Redis of the suite's own (AOF), so that any node can be killed, paused, cut off or
 * partitioned alone.
 */
export class ChaosCluster {
  readonly nodes = new Map<string, ChaosNode>();
  private readonly redis: Redis;

  private constructor(
    private readonly mysql: { host: string; port: number; database: string },
    private readonly ownRedis: OwnRedis,
  ) {
    this.redis = new Redis(ownRedis.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    this.redis.on('error', () => {});
  }

  static async start(mysqlUrl: string, ownRedis: OwnRedis, workerNodes = ['w1', 'w2', 'w3']): Promise<ChaosCluster> {
    const url = new URL(mysqlUrl);
    const cluster = new ChaosCluster(
      { host: url.hostname, port: Number(url.port || 3306), database: url.pathname.slice(1) },
      ownRedis,
    );
    await cluster.redis.connect();
    try {
      await Promise.all([cluster.add('api', true), ...workerNodes.map((id) => cluster.add(id, false))]);
      await cluster.waitReady();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get api(): ChaosNode {
    return this.nodes.get('api')!;
  }

  get apiUrl(): string {
    return this.api.process.url;
  }

  get workerNodes(): ChaosNode[] {
    return [...this.nodes.values()].filter((n) => !n.api);
  }

  get liveWorkerNodes(): ChaosNode[] {
    return this.workerNodes.filter((n) => n.process.running);
  }

  /** Spawns a new process for the node (after a kill), with a fresh worker and scheduler id. */
  async restart(id: string): Promise<void> {
    const node = this.nodes.get(id)!;
    await node.process.kill('SIGKILL');
    if (node.workerId) node.pastWorkerIds.add(node.workerId);
    node.workerId = undefined;
    node.process = this.spawn(node);
    if (node.api) await node.process.ready();
    else await this.waitRegistered(node);
  }

  /** The node whose scheduler holds the leader lock right now, read from Redis. */
  async leader(): Promise<ChaosNode | undefined> {
    const holder = await this.redis.get('scheduler:leader').catch(() => null);
    if (!holder) return undefined;
    return this.workerNodes.find((n) => holder.startsWith(`scheduler-${n.id}-`));
  }

  async leaderId(): Promise<string | null> {
    return this.redis.get('scheduler:leader').catch(() => null);
  }

  /** Worker ids in the registry. */
  async registeredWorkers(): Promise<string[]> {
    return this.redis.smembers('workers').catch(() => []);
  }

  nodeOfWorker(workerId: string): ChaosNode | undefined {
    return this.workerNodes.find((n) => workerId.startsWith(`worker-${n.id}-`));
  }

  tails(): string {
    return [...this.nodes.values()]
      .map((n) => `--- ${n.id} (${n.process.running ? 'running' : 'gone'})\n${n.process.logs().slice(-3_000)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.process.kill('SIGKILL')));
    for (const node of this.nodes.values()) {
      await node.mysqlProxy.close();
      await node.redisProxy.close();
    }
    this.redis.disconnect();
  }

  private async add(id: string, api: boolean): Promise<void> {
    const writes = new WriteWatch();
    const mysqlProxy = await TcpProxy.start({ host: this.mysql.host, port: this.mysql.port }, (chunk) =>
      writes.sawMysql(chunk),
    );
    const redisProxy = await TcpProxy.start({ host: '127.0.0.1', port: this.ownRedis.port }, (chunk) =>
      writes.sawRedis(chunk),
    );
    const node: ChaosNode = {
      id,
      api,
      mysqlProxy,
      redisProxy,
      writes,
      port: await freePort(),
      process: undefined as unknown as NodeProcess,
      workerId: undefined,
      pastWorkerIds: new Set(),
    };
    node.process = this.spawn(node);
    this.nodes.set(id, node);
  }

  private spawn(node: ChaosNode): NodeProcess {
    const env = {
      ...baseEnv(),
      ...FAST_TIMINGS,
      TM_ROLES: node.api ? 'api' : 'scheduler,worker',
      TM_MYSQL_URL: `mysql://root@127.0.0.1:${node.mysqlProxy.port}/${this.mysql.database}`,
      TM_MYSQL_POOL_SIZE: '5',
      TM_REDIS_URL: `redis://127.0.0.1:${node.redisProxy.port}`,
      // The suite's own Redis: the plain key names of docs/operations.md.
      TM_REDIS_PREFIX: '',
      TM_WORKER_CAPACITY: '8',
      ...(process.env.CHAOS_LOG_LEVEL ? { TM_APP_LOG_LEVEL: process.env.CHAOS_LOG_LEVEL } : {}),
    };
    return new NodeProcess(node.id, node.port, env);
  }

  private async waitReady(): Promise<void> {
    await this.api.process.ready();
    await Promise.all(this.workerNodes.map((n) => this.waitRegistered(n)));
    await waitFor(() => this.leader(), { timeoutMs: 15_000, intervalMs: 100, message: 'a leader' });
  }

  /** Until the node's current process has a worker in the registry (ids are fresh per process start). */
  async waitRegistered(node: ChaosNode, timeoutMs = 30_000): Promise<void> {
    node.workerId = await waitFor(
      async () => {
        if (!node.process.running) throw new Error(`node ${node.id} exited:\n${node.process.logs()}`);
        const ids = await this.registeredWorkers();
        return ids.find((w) => w.startsWith(`worker-${node.id}-`) && !node.pastWorkerIds.has(w));
      },
      { timeoutMs, intervalMs: 100, message: `node ${node.id} registered` },
    );
  }
}
