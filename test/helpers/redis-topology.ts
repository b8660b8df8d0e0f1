import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.ts';
import { waitFor } from './wait.ts';

/**
 * Private Redis topologies for a test, from Debian's redis-server package alone (Sentinel is
 * `redis-server <conf> --sentinel`): a primary with a replica and three sentinels, or a
 * six-node cluster. Every process listens on a free loopback port, keeps its files in a
 * temporary directory, and is stopped by `stop()`.
 */
abstract class Topology {
  protected readonly processes = new Map<number, ChildProcess>();

  protected constructor(readonly dir: string) {}

  protected spawnServer(port: number, args: string[]): void {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    this.processes.set(port, child);
  }

  /** kill -9 of one process (a primary that dies). */
  async kill(port: number): Promise<void> {
    const child = this.processes.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((port) => this.kill(port)));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs one command on a fresh connection to `port`. */
export async function redisCommand<T>(port: number, ...args: (string | number)[]): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.call(String(args[0]), ...args.slice(1).map(String))) as T;
  } finally {
    client.disconnect();
  }
}

const answers = (port: number) =>
  redisCommand(port, 'PING').then(
    () => true,
    () => false,
  );

export class SentinelTopology extends Topology {
  static readonly MASTER_NAME = 'tm-primary';

  private constructor(
    dir: string,
    readonly primaryPort: number,
    readonly replicaPort: number,
    readonly sentinelPorts: number[],
  ) {
    super(dir);
  }

  /** A primary, a replica of it, and three sentinels (quorum 2) that agree on both. */
  static async start(): Promise<SentinelTopology> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-sentinel-'));
    const [primary, replica, ...sentinels] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const topology = new SentinelTopology(dir, primary!, replica!, sentinels);
    try {
      const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      topology.spawnServer(primary!, [
        '--port',
        String(primary),
        '--dir',
        dir,
        '--dbfilename',
        `dump-${primary}.rdb`,
        ...common,
      ]);
      topology.spawnServer(replica!, [
        '--port',
        String(replica),
        '--dir',
        dir,
        '--dbfilename',
        `dump-${replica}.rdb`,
        '--replicaof',
        '127.0.0.1',
        String(primary),
        ...common,
      ]);
      for (const port of sentinels) {
        const conf = path.join(dir, `sentinel-${port}.conf`);
        await writeFile(
          conf,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${dir}`,
            `sentinel monitor ${SentinelTopology.MASTER_NAME} 127.0.0.1 ${primary} 2`,
            `sentinel down-after-milliseconds ${SentinelTopology.MASTER_NAME} 1000`,
            `sentinel failover-timeout ${SentinelTopology.MASTER_NAME} 5000`,
            `sentinel parallel-syncs ${SentinelTopology.MASTER_NAME} 1`,
            '',
          ].join('\n'),
        );
        topology.spawnServer(port, [conf, '--sentinel']);
      }
      await topology.waitHealthy(primary!);
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  get sentinels(): { host: string; port: number }[] {
    return this.sentinelPorts.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** The primary's port, as the sentinels see it. */
  async currentPrimary(): Promise<number> {
    const [, port] = await redisCommand<[string, string]>(
      this.sentinelPorts[0]!,
      'SENTINEL',
      'get-master-addr-by-name',
      SentinelTopology.MASTER_NAME,
    );
    return Number(port);
  }

  /** Until `primary` is the primary with a replica in sync and every sentinel knows both and the others. */
  async waitHealthy(primary: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => Promise.all([...this.processes.keys()].map(answers)).then((ok) => ok.every(Boolean)), {
      timeoutMs,
      intervalMs: 100,
      message: 'every Redis process up',
    });
    await waitFor(
      async () => {
        const info = await redisCommand<string>(primary, 'INFO', 'replication');
        if (!/role:master/.test(info) || !/connected_slaves:1/.test(info) || !/state=online/.test(info)) return false;
        for (const port of this.sentinelPorts) {
          const flat = await redisCommand<string[]>(port, 'SENTINEL', 'master', SentinelTopology.MASTER_NAME).catch(
            () => [],
          );
          const fields = Object.fromEntries(flat.flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
          if (
            fields.port !== String(primary) ||
            fields['num-other-sentinels'] !== '2' ||
            fields['num-slaves'] !== '1' ||
            !/^master$/.test(fields.flags ?? '')
          )
            return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 200, message: `sentinels agreeing on primary ${primary} with its replica` },
    );
  }
}

export class ClusterTopology extends Topology {
  private constructor(
    dir: string,
    readonly ports: number[],
  ) {
    super(dir);
  }

  /** Six nodes, three primaries with one replica each, every slot served. */
  static async start(): Promise<ClusterTopology> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-cluster-'));
    const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const topology = new ClusterTopology(dir, ports);
    try {
      for (const port of ports) {
        topology.spawnServer(port, [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dbfilename',
          `dump-${port}.rdb`,
        ]);
      }
      await waitFor(() => Promise.all(ports.map(answers)).then((ok) => ok.every(Boolean)), {
        timeoutMs: 15_000,
        intervalMs: 100,
        message: 'cluster nodes up',
      });
      await runRedisCli([
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ]);
      await waitFor(
        async () => {
          for (const port of ports) {
            if (!/cluster_state:ok/.test(await redisCommand<string>(port, 'CLUSTER', 'INFO'))) return false;
          }
          return true;
        },
        { timeoutMs: 30_000, intervalMs: 200, message: 'cluster_state:ok on every node' },
      );
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }
}

function runRedisCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}
