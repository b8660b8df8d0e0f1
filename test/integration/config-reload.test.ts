import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTaskManager,
  TOKENS,
  type EventOf,
  type TaskManager,
  type TaskManagerConfigInput,
} from '../../core/index.ts';
import { localExecutor } from '../../plugins/executor-local/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { prometheusMetrics } from '../../plugins/metrics-prometheus/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';

const logger = pino({ level: 'warn' }, { write: () => {} });

/** The same config each time it is called, like a file read again: fresh plugin objects. */
function config(overrides: Partial<TaskManagerConfigInput> = {}): TaskManagerConfigInput {
  return {
    app: { logLevel: 'warn' },
    worker: { capacity: 2, takeWait: '100ms' },
    metrics: { defaultMetrics: false },
    taskTypes: [{ taskType: 'echo', executorType: 'local' }],
    plugins: [
      memoryStorage(),
      memoryQueue(),
      loadBalancers(),
      localExecutor({ echo: (task) => task.payload }),
      prometheusMetrics(),
    ],
    ...overrides,
  };
}

describe('TaskManager.reloadConfig', () => {
  let app: TaskManager | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function started(): Promise<{ app: TaskManager; reloads: EventOf<'config_reloaded'>[] }> {
    const created = await createTaskManager(config(), { env: {}, logger });
    const reloads: EventOf<'config_reloaded'>[] = [];
    created.events.on('config_reloaded', (e) => void reloads.push(e));
    await created.start();
    app = created;
    return { app: created, reloads };
  }

  it('applies the live keys in place and tells the event bus', async () => {
    const { app, reloads } = await started();
    const report = await app.reloadConfig(
      config({
        app: { logLevel: 'debug' },
        worker: { capacity: 6, takeWait: '100ms' },
        scheduler: { loadBalancer: 'round_robin', maxDispatchRate: 50 },
        taskTypes: [
          { taskType: 'echo', executorType: 'local', defaultMaxRetry: 7 },
          { taskType: 'echo2', executorType: 'local' },
        ],
      }),
      'test.yaml',
    );
    expect(report.result).toBe('applied');
    expect(report.applied.sort()).toEqual([
      'app.logLevel',
      'scheduler.loadBalancer',
      'scheduler.maxDispatchRate',
      'taskTypes',
      'worker.capacity',
    ]);
    expect(report.needsRestart).toEqual([]);
    expect(app.config.worker.capacity).toBe(6);
    expect(app.worker!.capacity).toBe(6);
    expect(app.config.scheduler.loadBalancer).toBe('round_robin');
    expect(app.config.scheduler.maxDispatchRate).toBe(50);
    expect(logger.level).toBe('debug');
    const [worker] = await app.services.cluster.workers();
    expect(worker!.capacity).toBe(6);
    const types = await app.resolve(TOKENS.Storage).listTaskTypes();
    expect(types.find((t) => t.taskType === 'echo')!.defaultMaxRetry).toBe(7);
    expect(types.map((t) => t.taskType)).toContain('echo2');
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).toMatchObject({ result: 'applied', source: 'test.yaml', remote: false });
    logger.level = 'warn';
  });

  it('rejects an invalid config as a whole, leaving everything as it was', async () => {
    const { app, reloads } = await started();
    const bad = await app.reloadConfig(
      config({ worker: { capacity: 9, heartbeatInterval: '1m', heartbeatTimeout: '30s' } }),
    );
    expect(bad.result).toBe('rejected');
    expect(bad.error).toMatch(/worker\.heartbeatInterval/);
    const unknownBalancer = await app.reloadConfig(
      config({ worker: { capacity: 9 }, scheduler: { loadBalancer: 'fastest' } }),
    );
    expect(unknownBalancer.result).toBe('rejected');
    expect(unknownBalancer.error).toMatch(/load balancer "fastest" is not registered/);
    const badPlugin = await app.reloadConfig(config({ worker: { capacity: 9 }, metrics: { prefix: 'not a prefix' } }));
    expect(badPlugin.result).toBe('rejected');
    expect(badPlugin.error).toMatch(/metrics\.prefix/);
    expect(app.config.worker.capacity).toBe(2);
    expect(reloads.map((r) => r.result)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('reports keys that need a restart without applying them, and counts results on /metrics', async () => {
    const { app } = await started();
    const restartOnly = await app.reloadConfig(
      config({ app: { logLevel: 'warn', port: 9999 }, metrics: { defaultMetrics: false, prefix: 'x_' } }),
    );
    expect(restartOnly).toMatchObject({ result: 'unchanged', applied: [] });
    expect(restartOnly.needsRestart.sort()).toEqual(['app.port', 'metrics.prefix']);
    expect(app.config.app.port).toBe(8080);

    const mixed = await app.reloadConfig(
      config({
        worker: { capacity: 3, takeWait: '100ms' },
        roles: ['worker'],
        plugins: [memoryStorage(), memoryQueue(), loadBalancers(), localExecutor({ echo: () => null })],
      }),
    );
    expect(mixed.result).toBe('applied');
    expect(mixed.applied).toEqual(['worker.capacity']);
    expect(mixed.needsRestart).toEqual(expect.arrayContaining(['roles', 'plugins']));
    expect(app.roles).toContain('scheduler');

    expect((await app.reloadConfig(config())).result).toBe('applied'); // capacity back to 2
    expect((await app.reloadConfig(config())).result).toBe('unchanged');

    const route = app.resolve(TOKENS.HttpRoutes).find((r) => r.path === '/metrics')!;
    const text = await (await route.handle(new Request('http://local/metrics'))).text();
    expect(text).toContain('config_reloads_total{result="applied"} 2');
    expect(text).toContain('config_reloads_total{result="unchanged"} 2');
    expect(text).toContain('config_reloads_total{result="rejected"} 0');
  });
});
