import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, type Plugin } from '../../core/index.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';

const mysql = await mysqlAvailability();

/** `levels` nested containers (objects and arrays in turn) around a string. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** JSON text of a body whose `payload` holds a string with a lone surrogate (JSON.stringify would escape it the same way). */
const loneSurrogateBody = (where: 'value' | 'key') =>
  where === 'value'
    ? '{"task_type":"echo","payload":{"name":"bad \\ud800 text"}}'
    : '{"task_type":"echo","payload":{"bad \\udc00 key":1}}';

interface StorageCase {
  name: string;
  available: boolean;
  make(): Promise<{ storage: Plugin; cleanup(): Promise<void> }>;
}

const storages: StorageCase[] = [
  { name: 'memory', available: true, make: async () => ({ storage: memoryStorage(), cleanup: async () => {} }) },
  {
    name: 'MySQL',
    available: mysql.available,
    make: async () => {
      const database: TestDatabase = await createTestDatabase('hostile');
      await runMigrations(database.url);
      return { storage: mysqlStorage({ url: database.url, poolSize: 4 }), cleanup: () => database.drop() };
    },
  },
];

describe.each(storages)('HTTP API under hostile input on $name storage', ({ available, make }) => {
  let f: ApiFixture;
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (!available) return;
    const made = await make();
    cleanup = made.cleanup;
    f = await startApiManager({}, {}, { storage: made.storage, plugins: [demoExecutors()] });
  });
  afterAll(async () => {
    await f?.manager.stop();
    await cleanup();
  });

  const create = (body: unknown) => f.call('POST', '/api/v1/tasks', body);
  const countTasks = async () => (await f.call('GET', '/api/v1/tasks?limit=1000')).body.data.items.length as number;

  it.skipIf(!available)('stores a payload nested exactly to the limit and reads it back unchanged', async () => {
    const payload = { v: nested(MAX_JSON_DEPTH - 1) };
    const res = await create({ task_type: 'echo', payload });
    expect(res.status).toBe(201);
    expect((await f.call('GET', `/api/v1/tasks/${res.body.data.task_id}`)).body.data.payload).toEqual(payload);
  });

  it.skipIf(!available)(
    'refuses deeper JSON with 400 / 40001 naming the field, at every depth up to absurd',
    async () => {
      for (const levels of [MAX_JSON_DEPTH, 32, 6_000, 100_000]) {
        // Written as text: JSON.stringify itself overflows the stack on the deepest ones.
        const res = await create(`{"task_type":"echo","payload":{"v":${'['.repeat(levels)}1${']'.repeat(levels)}}}`);
        expect(res.status, `depth ${levels}`).toBe(400);
        expect(res.body.code).toBe(40001);
        expect(res.body.message).toMatch(/payload\.v.*deeper than 20 levels/);
      }
    },
  );

  it.skipIf(!available)('refuses a deep batch item by its index, and creates none of the batch', async () => {
    const before = await countTasks();
    const res = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: { ok: 1 } },
        { task_type: 'echo', payload: { v: nested(40) } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(40001);
    expect(res.body.message).toContain('tasks[1].payload');
    expect(await countTasks()).toBe(before);
  });

  it.skipIf(!available)('refuses a deep executor_config on PUT /task-types', async () => {
    const res = await f.call('PUT', '/api/v1/task-types/echo', { executor_config: { v: nested(40) } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(40001);
    expect(res.body.message).toContain('executor_config');
  });

  it.skipIf(!available)(
    'refuses a lone surrogate in a payload value or key, in a batch and in other fields',
    async () => {
      const before = await countTasks();
      for (const where of ['value', 'key'] as const) {
        const res = await f.call('POST', '/api/v1/tasks', loneSurrogateBody(where));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe(40001);
        expect(res.body.message).toMatch(/payload\..*lone UTF-16 surrogate/);
      }
      const batch = await f.call(
        'POST',
        '/api/v1/tasks/batch',
        `{"tasks":[{"task_type":"echo","payload":{}},${loneSurrogateBody('value')}]}`,
      );
      expect(batch.status).toBe(400);
      expect(batch.body.message).toContain('tasks[1].payload.name');
      const type = await f.call('PUT', '/api/v1/task-types/echo', '{"description":"x\\ud800"}');
      expect(type.status).toBe(400);
      expect(type.body.message).toContain('description');
      expect(await countTasks()).toBe(before);
    },
  );

  it.skipIf(!available)('keeps well-formed text outside the BMP exactly', async () => {
    const payload = { emoji: '😀', music: '𝄞', pair: '\ud83d\ude00', 'ключ 🔑': 'значение' };
    const res = await create({ task_type: 'echo', payload });
    expect(res.status).toBe(201);
    expect((await f.call('GET', `/api/v1/tasks/${res.body.data.task_id}`)).body.data.payload).toEqual(payload);
  });

  it.skipIf(!available)(
    'refuses run_at and list filters outside 1970 … 9999, and round-trips the range exactly',
    async () => {
      for (const runAt of ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '+010000-01-01T00:00:00Z']) {
        const res = await create({ task_type: 'echo', payload: {}, run_at: runAt });
        expect(res.status, runAt).toBe(400);
        expect(res.body.message).toContain('run_at');
      }
      for (const runAt of ['1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.123Z', '9999-12-31T23:59:59.999Z']) {
        const res = await create({ task_type: 'echo', payload: {}, run_at: runAt });
        expect(res.status, runAt).toBe(201);
        expect((await f.call('GET', `/api/v1/tasks/${res.body.data.task_id}`)).body.data.scheduled_at).toBe(runAt);
      }
      const list = await f.call('GET', '/api/v1/tasks?created_from=0001-01-01T00:00:00Z');
      expect(list.status).toBe(400);
      expect(list.body.message).toContain('created_from');
    },
  );

  it.skipIf(!available)('answers an idempotent replay with the first task, whatever the second body says', async () => {
    const first = await create({ task_type: 'echo', payload: { v: 1 }, idempotency_key: 'replay-1' });
    expect(first.status).toBe(201);
    for (const body of [
      { task_type: 'no-such-type', payload: { v: 2 }, idempotency_key: 'replay-1' },
      { task_type: 'echo', payload: { v: nested(40) }, idempotency_key: 'replay-1' },
    ]) {
      const replay = await create(body);
      expect(replay.status).toBe(200);
      expect(replay.body.data).toEqual({ task_id: 'replay-1', status: first.body.data.status, created: false });
    }
    const batch = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'no-such-type', payload: {}, idempotency_key: 'replay-1' },
        { task_type: 'echo', payload: {}, idempotency_key: 'replay-2' },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.data.tasks).toEqual([
      { task_id: 'replay-1', created: false },
      { task_id: 'replay-2', created: true },
    ]);
    expect((await f.call('GET', '/api/v1/tasks/replay-1')).body.data.payload).toEqual({ v: 1 });
  });

  it.skipIf(!available)(
    'refuses a task type whose executor this process does not have, or that its executor does not serve',
    async () => {
      const unknown = await f.call('PUT', '/api/v1/task-types/x', { executor_type: 'does-not-exist' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe(40001);
      expect(unknown.body.message).toMatch(
        /executor_type: no executor of type "does-not-exist" is installed \(installed: demo\)/,
      );
      const unserved = await f.call('PUT', '/api/v1/task-types/x', { executor_type: 'demo' });
      expect(unserved.status).toBe(400);
      expect(unserved.body.message).toContain('no "demo" executor serves task type "x"');
      expect((await f.call('GET', '/api/v1/task-types/x')).status).toBe(404);
      const served = await f.call('PUT', '/api/v1/task-types/sleep', { executor_type: 'demo', max_concurrent: 3 });
      expect(served.status).toBe(200);
      // An update that keeps the executor is not re-judged.
      expect((await f.call('PUT', '/api/v1/task-types/sleep', { enabled: false })).status).toBe(200);
    },
  );
});
