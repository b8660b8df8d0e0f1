import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, loadConfig } from '../../core/index.ts';
import { resolveBuiltInPlugin } from '../../cli/plugin-catalogue.ts';
import { ExecutorRegistry } from '../../core/services/executor-registry.ts';

/** The executors of a YAML config, named from the catalogue, each serving its task types. */
describe('the CLI catalogue knows the executor plugins', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tm-executors-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds grpc, sql, nats, rabbitmq and process executors from YAML, each serving the task types of its executorType', async () => {
    const file = join(dir, 'executors.yaml');
    await writeFile(
      file,
      [
        'taskTypes:',
        '  - { taskType: greet, executorType: grpc, executorConfig: { address: "127.0.0.1:1", service: a.B, method: C, proto: "x.proto" } }',
        '  - { taskType: execute_sql, executorType: sql, executorConfig: { statements: { one: "SELECT 1" } } }',
        '  - { taskType: batch_insert, executorType: sql, executorConfig: { table: events, columns: [kind] } }',
        '  - { taskType: publish_event, executorType: nats }',
        '  - { taskType: publish_event_rabbitmq, executorType: rabbitmq }',
        '  - { taskType: crunch, executorType: process, executorConfig: { module: crunch.ts } }',
        'nats:',
        '  jetstream: true',
        'plugins:',
        '  - storage-memory',
        '  - queue-memory',
        '  - load-balancers',
        '  - executor-grpc',
        '  - executor-sql',
        '  - executor-nats',
        '  - executor-rabbitmq',
        '  - { name: executor-process, options: { maxMemoryMb: 64 } }',
      ].join('\n'),
    );
    const { config } = await loadConfig({ path: file, resolvePlugin: resolveBuiltInPlugin });
    const app = await createTaskManager(config, {
      env: { TM_SQL_URL: 'postgres://root@127.0.0.1:5432/test', TM_PROCESS_POOL_SIZE: '3' },
      logger: pino({ level: 'silent' }),
    });
    expect(app.plugins.map((p) => p.name).slice(3)).toEqual([
      'executor-grpc',
      'executor-sql',
      'executor-nats',
      'executor-rabbitmq',
      'executor-process',
    ]);
    const registry = app.container.resolve(ExecutorRegistry);
    expect(Object.fromEntries(registry.list().map((e) => [e.type, [...e.taskTypes]]))).toEqual({
      grpc: ['greet'],
      sql: ['execute_sql', 'batch_insert'],
      nats: ['publish_event'],
      rabbitmq: ['publish_event_rabbitmq'],
      process: ['crunch'],
    });
  });

  it('an unsupported database URL fails at build time with the scheme named', async () => {
    const file = join(dir, 'bad-sql.yaml');
    await writeFile(
      file,
      ['sql:', '  url: "sqlite://x.db"', 'plugins:', '  - storage-memory', '  - queue-memory', '  - executor-sql'].join(
        '\n',
      ),
    );
    const { config } = await loadConfig({ path: file, resolvePlugin: resolveBuiltInPlugin });
    await expect(createTaskManager(config, { env: {}, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /unsupported database URL scheme "sqlite:"/,
    );
  });
});
