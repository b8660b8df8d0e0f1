import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createTaskManager, loadConfig, resolveConfig } from '../../core/index.ts';
import { resolveBuiltInPlugin } from '../../cli/plugin-catalogue.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';

const coreIndex = fileURLToPath(new URL('../../core/index.ts', import.meta.url));
const pluginsDir = fileURLToPath(new URL('../../plugins/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tm-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('config loading', () => {
  it('loads a typed taskmanager.config.ts', async () => {
    const file = await write(
      'taskmanager.config.ts',
      `import { defineConfig } from ${JSON.stringify(coreIndex)};
       import { memoryStorage } from ${JSON.stringify(path.join(pluginsDir, 'storage-memory/index.ts'))};
       import { memoryQueue } from ${JSON.stringify(path.join(pluginsDir, 'queue-memory/index.ts'))};
       const port: number = 9191;
       export default defineConfig({ app: { port }, scheduler: { batchSize: 64 }, plugins: [memoryStorage(), memoryQueue()] });`,
    );
    const { config, filepath } = await loadConfig({ cwd: dir });
    expect(filepath).toBe(file);
    const resolved = resolveConfig(config, {});
    expect(resolved.app.port).toBe(9191);
    expect(resolved.scheduler.batchSize).toBe(64);
    expect(resolved.plugins.map((p) => p.name)).toEqual(['storage-memory', 'queue-memory']);
  });

  it('loads YAML with plugins named from the built-in catalogue', async () => {
    const file = await write(
      'cluster.yaml',
      [
        'app:',
        '  port: 9292',
        'worker:',
        '  heartbeatTimeout: 45s',
        'plugins:',
        '  - storage-memory',
        '  - name: queue-memory',
        '  - name: load-balancers',
        '    options: { only: [round_robin] }',
        'scheduler:',
        '  loadBalancer: round_robin',
      ].join('\n'),
    );
    const { config } = await loadConfig({ path: file, resolvePlugin: resolveBuiltInPlugin });
    const app = await createTaskManager(config, { env: {} });
    expect(app.config.app.port).toBe(9292);
    expect(app.config.worker.heartbeatTimeout).toBe(45_000);
    expect(app.plugins.map((p) => p.name)).toEqual(['storage-memory', 'queue-memory', 'load-balancers']);
  });

  it('resolves grpc-api from the built-in catalogue with its options', async () => {
    const plugin = (await resolveBuiltInPlugin({ name: 'grpc-api', options: { port: 0 } })) as {
      name: string;
      port?: number;
    };
    expect(plugin.name).toBe('grpc-api');
    expect(plugin.port).toBeUndefined();
  });

  it('names an unknown plugin in YAML clearly', async () => {
    const file = await write('bad-plugin.yaml', 'plugins:\n  - storage-nowhere\n');
    await expect(loadConfig({ path: file, resolvePlugin: resolveBuiltInPlugin })).rejects.toThrow(
      /unknown plugin "storage-nowhere"/,
    );
  });

  it('applies environment overrides with upper snake case keys and durations', () => {
    const config = resolveConfig(
      { plugins: [] },
      {
        TM_PORT: '9393',
        TM_SCHEDULER_LEADER_LOCK_TTL: '3s',
        TM_WORKER_HEARTBEAT_TIMEOUT: '4s',
        TM_WORKER_HEARTBEAT_INTERVAL: '1000',
        TM_WORKER_CAPACITY: '25',
        TM_ROLES: 'api, worker',
        TM_NODE_ID: 'node-7',
        TM_MYSQL_URL: 'mysql://db/x',
      },
    );
    expect(config.app.port).toBe(9393);
    expect(config.scheduler.leaderLockTtl).toBe(3_000);
    expect(config.scheduler.leaderRenewInterval).toBe(1_000);
    expect(config.worker.heartbeatTimeout).toBe(4_000);
    expect(config.worker.heartbeatInterval).toBe(1_000);
    expect(config.worker.capacity).toBe(25);
    expect(config.roles).toEqual(['api', 'worker']);
    expect(config.app.nodeId).toBe('node-7');
    expect(config.envSections.mysql).toEqual({ url: 'mysql://db/x' });
  });

  it('gives the path of a bad key and what was expected', () => {
    expect(() => resolveConfig({ scheduler: { batchSize: 'lots' as unknown as number } }, {})).toThrow(
      /Invalid config at scheduler\.batchSize/,
    );
    expect(() => resolveConfig({}, { TM_WORKER_HEARTBEAT_TIMEOUT: 'soon' })).toThrow(
      /Invalid config at worker\.heartbeatTimeout: expected a duration like "100ms"/,
    );
    expect(() => resolveConfig({ worker: { capacty: 3 } as never }, {})).toThrow(/Invalid config at worker.*capacty/);
    expect(() => resolveConfig({}, { TM_ROLES: 'api,cook' })).toThrow(ConfigError);
  });

  it('names the missing port and the plugins that provide it', async () => {
    await expect(createTaskManager({ plugins: [memoryQueue()] }, { env: {} })).rejects.toThrow(
      'no plugin provides "storage"; add memoryStorage(), mysqlStorage() or postgresStorage() to taskmanager.config.ts',
    );
    await expect(
      createTaskManager({ plugins: [memoryStorage(), memoryStorage(), memoryQueue()] }, { env: {} }),
    ).rejects.toThrow(/listed twice/);
  });

  it('stops the app with the failing plugin named when a plugin cannot start', async () => {
    const app = await createTaskManager(
      {
        app: { logLevel: 'silent' },
        plugins: [
          memoryStorage(),
          memoryQueue(),
          loadBalancers(),
          { name: 'broken', start: () => Promise.reject(new Error('port in use')) },
        ],
      },
      { env: {} },
    );
    await expect(app.start()).rejects.toThrow('plugin "broken" failed to start: port in use');
  });
});
