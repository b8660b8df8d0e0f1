import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredScope } from '../../plugins/http-api/auth.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';

const KEY = { name: 'ops', key: 'ops-key-123', scopes: ['read'] as ('read' | 'write')[] };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('task features over HTTP: dependencies, bulk retry / cancel, batch errors', () => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiManager();
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  const create = async (body: Record<string, unknown>) => {
    const answer = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {}, ...body });
    expect(answer.status).toBe(201);
    return answer.body.data.task_id as string;
  };

  it('takes depends_on and depends_on_index, and GET shows depends_on', async () => {
    const a = await create({});
    const b = await create({ depends_on: [a] });
    expect((await f.call('GET', `/api/v1/tasks/${b}`)).body.data).toMatchObject({ status: 'PENDING', depends_on: [a] });
    expect((await f.call('GET', `/api/v1/tasks/${a}`)).body.data.depends_on).toEqual([]);
    const batch = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: {} },
        { task_type: 'echo', payload: {}, depends_on: [a], depends_on_index: [0] },
      ],
    });
    expect(batch.status).toBe(201);
    const [first, second] = batch.body.data.task_ids as string[];
    expect((await f.call('GET', `/api/v1/tasks/${second}`)).body.data.depends_on).toEqual([a, first]);
  });

  it('answers 400 / 40001 for an unknown dependency, naming the field and the batch item', async () => {
    const single = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {}, depends_on: ['nope'] });
    expect(single.status).toBe(400);
    expect(single.body).toMatchObject({ code: 40001, details: { field: 'depends_on[0]', task_id: 'nope' } });
    const batch = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: {} },
        { task_type: 'echo', payload: {}, depends_on: ['nope'] },
      ],
    });
    expect(batch.status).toBe(400);
    expect(batch.body).toMatchObject({ code: 40001, details: { index: 1, field: 'tasks[1].depends_on[0]' } });
    expect(batch.body.message).toContain('tasks[1]');
  });

  it('names the bad item of a batch in 40001 and 40002 errors (message and details.index)', async () => {
    const unknownType = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: {} },
        { task_type: 'echo', payload: {} },
        { task_type: 'no_such_type', payload: {} },
      ],
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body).toMatchObject({ code: 40002, details: { index: 2, task_type: 'no_such_type' } });
    expect(unknownType.body.message).toMatch(/^tasks\[2\]: /);

    const semantic = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: {} },
        { task_type: 'echo', payload: {}, delay: 1, run_at: '2030-01-01T00:00:00Z' },
      ],
    });
    expect(semantic.status).toBe(400);
    expect(semantic.body).toMatchObject({ code: 40001, details: { index: 1, field: 'tasks[1].delay' } });

    const schema = await f.call('POST', '/api/v1/tasks/batch', {
      tasks: [
        { task_type: 'echo', payload: {} },
        { task_type: 'echo', payload: {}, priority: 7 },
      ],
    });
    expect(schema.status).toBe(400);
    expect(schema.body.code).toBe(40001);
    expect(schema.body.message).toContain('tasks[1].priority');
    expect(schema.body.details).toEqual([expect.objectContaining({ path: 'tasks[1].priority', index: 1 })]);
  });

  it('retries and cancels in bulk by filter, counting only legal moves, up to the limit', async () => {
    const type = 'echo';
    const failed = [await create({}), await create({}), await create({})];
    for (const id of failed) await f.forceStatus(id, ['PROCESSING', 'FAILED']);
    const timedOut = await create({});
    await f.forceStatus(timedOut, ['PROCESSING', 'TIMEOUT']);
    const done = await create({});
    await f.forceStatus(done, ['PROCESSING', 'SUCCESS']);

    const one = await f.call('POST', '/api/v1/tasks/retry', {
      filter: { status: 'FAILED', task_type: type },
      limit: 1,
    });
    expect(one).toMatchObject({ status: 200, body: { code: 0, data: { count: 1 } } });
    const rest = await f.call('POST', '/api/v1/tasks/retry', { filter: { status: 'FAILED,TIMEOUT,SUCCESS' } });
    expect(rest.body.data).toEqual({ count: 3 });
    for (const id of [...failed, timedOut]) {
      const task = (await f.call('GET', `/api/v1/tasks/${id}`)).body.data;
      expect(task).toMatchObject({ status: 'PENDING', retry_count: 0 });
    }
    expect((await f.call('GET', `/api/v1/tasks/${done}`)).body.data.status).toBe('SUCCESS');
    // Nothing left to retry; a status from which the move is illegal matches nothing.
    expect((await f.call('POST', '/api/v1/tasks/retry', {})).body.data).toEqual({ count: 0 });
    expect((await f.call('POST', '/api/v1/tasks/retry', { filter: { status: 'PENDING' } })).body.data).toEqual({
      count: 0,
    });

    const running = await create({});
    await f.forceStatus(running, ['PROCESSING']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await f.call('POST', '/api/v1/tasks/cancel', { filter: { created_from: future } })).body.data).toEqual({
      count: 0,
    });
    const cancelled = await f.call('POST', '/api/v1/tasks/cancel', { filter: { task_type: type } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.count).toBeGreaterThanOrEqual(5);
    expect((await f.call('GET', `/api/v1/tasks/${running}`)).body.data.status).toBe('CANCELLED');
    expect((await f.call('GET', `/api/v1/tasks/${done}`)).body.data.status).toBe('SUCCESS');
    const logs = (await f.call('GET', `/api/v1/tasks/${running}/logs`)).body.data as { message: string }[];
    expect(logs.map((l) => l.message)).toContain('Task cancelled by user');
  });

  it('validates the bulk body', async () => {
    for (const body of [{ limit: 0 }, { filter: { status: 'NOPE' } }, { filter: { other: 1 } }, { extra: true }]) {
      const answer = await f.call('POST', '/api/v1/tasks/cancel', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code).toBe(40001);
    }
  });

  it('bulk moves need the write scope', async () => {
    expect(requiredScope('POST', '/api/v1/tasks/retry')).toBe('write');
    expect(requiredScope('POST', '/api/v1/tasks/cancel')).toBe('write');
    const guarded = await startApiManager({ apiKeys: [KEY] });
    try {
      const answer = await guarded.call('POST', '/api/v1/tasks/cancel', {}, bearer(KEY.key));
      expect(answer.status).toBe(403);
    } finally {
      await guarded.manager.stop();
    }
  });
});
