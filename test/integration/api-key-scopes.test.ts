/**
 * API keys with names and scopes (docs/api.md, "Authentication"), over HTTP and gRPC alike:
 * read < write < admin, 403 / PERMISSION_DENIED with 40301 for a valid key without the scope,
 * the key's name (never the key) in the access log and in the task log.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAccessSchema, ApiKeyCheck, ErrorCode, type TaskManager } from '../../core/index.ts';
import { grpcApi } from '../../plugins/grpc-api/index.ts';
import { httpApi, type HttpApiOptions } from '../../plugins/http-api/index.ts';
import { requiredScope } from '../../plugins/http-api/auth.ts';
import { silentLogger } from '../helpers/fake-plugin-context.ts';
import { freePort } from '../helpers/free-port.ts';
import { taskServiceClient, tmCode, type TaskServiceClient } from '../helpers/grpc-client.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';
import { memoryApp } from '../helpers/memory-app.ts';

const KEYS = {
  reader: 'rk_9f2c61d0a7e44b0f',
  writer: 'wk_3b1e8c07f5d24aa9',
  admin: 'ak_71c05e9b2d3f4e68',
  plain: 'pk_0d4a9e6c1b7f4c22',
};
const CONFIGURED: NonNullable<HttpApiOptions['apiKeys']> = [
  { name: 'dashboard', key: KEYS.reader, scopes: ['read'] },
  { name: 'producer', key: KEYS.writer, scopes: ['write'] },
  { name: 'ops', key: KEYS.admin, scopes: ['admin'] },
  KEYS.plain,
];
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('API key configuration', () => {
  it('reads plain keys (every scope, named by position) and named keys with scopes', () => {
    const { apiKeys } = apiAccessSchema.parse({ apiKeys: CONFIGURED });
    expect(apiKeys).toEqual([
      { name: 'dashboard', key: KEYS.reader, scopes: ['read'] },
      { name: 'producer', key: KEYS.writer, scopes: ['write'] },
      { name: 'ops', key: KEYS.admin, scopes: ['admin'] },
      { name: 'key-4', key: KEYS.plain, scopes: ['read', 'write', 'admin'] },
    ]);
  });

  it('reads the compact environment form, where a key may contain colons', () => {
    const { apiKeys } = apiAccessSchema.parse({ apiKeys: 'ci:k:with:colons:read+write, ops:k2:admin ,plain-key, a:b' });
    expect(apiKeys).toEqual([
      { name: 'ci', key: 'k:with:colons', scopes: ['read', 'write'] },
      { name: 'ops', key: 'k2', scopes: ['admin'] },
      { name: 'key-3', key: 'plain-key', scopes: ['read', 'write', 'admin'] },
      { name: 'key-4', key: 'a:b', scopes: ['read', 'write', 'admin'] },
    ]);
  });

  it('refuses unknown scopes, bad names and duplicate names, naming the entry', () => {
    expect(
      apiAccessSchema.safeParse({ apiKeys: [{ name: 'x', key: 'k', scopes: ['root'] }] }).error?.issues[0]?.path,
    ).toEqual(['apiKeys', 0, 'scopes', 0]);
    expect(apiAccessSchema.safeParse({ apiKeys: [{ name: 'has space', key: 'k' }] }).success).toBe(false);
    expect(
      apiAccessSchema.safeParse({
        apiKeys: [
          { name: 'a', key: 'k1' },
          { name: 'a', key: 'k2' },
        ],
      }).error?.issues[0]?.message,
    ).toBe('two API keys are named "a"');
  });

  it('ranks scopes: admin includes write, write includes read', () => {
    const check = new ApiKeyCheck(apiAccessSchema.parse({ apiKeys: CONFIGURED }).apiKeys);
    expect(check.verify(`Bearer ${KEYS.admin}`, 'read')?.name).toBe('ops');
    expect(check.verify(`Bearer ${KEYS.writer}`, 'read')?.name).toBe('producer');
    expect(() => check.verify(`Bearer ${KEYS.writer}`, 'admin')).toThrow(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    expect(() => check.verify(`Bearer ${KEYS.reader}`, 'write')).toThrow(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    expect(() => check.verify('Bearer nope', 'read')).toThrow(
      expect.objectContaining({ code: ErrorCode.UNAUTHORIZED }),
    );
  });

  it('maps each route to its scope', () => {
    expect(requiredScope('GET', '/api/v1/tasks')).toBe('read');
    expect(requiredScope('POST', '/api/v1/tasks/batch')).toBe('write');
    expect(requiredScope('POST', '/api/v1/tasks/x/cancel')).toBe('write');
    expect(requiredScope('PUT', '/api/v1/task-types/echo')).toBe('admin');
    expect(requiredScope('POST', '/api/v1/task-types/echo/pause')).toBe('admin');
    expect(requiredScope('GET', '/api/v1/task-types')).toBe('read');
  });
});

describe('API key scopes over HTTP', () => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiManager({ apiKeys: CONFIGURED });
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  it('lets each key do what its scope allows and answers 403 / 40301 otherwise', async () => {
    const create = (key: string) => f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {} }, bearer(key));
    const putType = (key: string) => f.call('PUT', '/api/v1/task-types/echo', { task_name: 'Echo' }, bearer(key));

    expect((await f.call('GET', '/api/v1/tasks', undefined, bearer(KEYS.reader))).status).toBe(200);
    const refused = await create(KEYS.reader);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 40301,
      message: 'API key "dashboard" lacks the write scope',
      details: { required_scope: 'write' },
    });
    expect(refused.headers.get('www-authenticate')).toBeNull();

    expect((await create(KEYS.writer)).status).toBe(201);
    expect((await f.call('GET', '/api/v1/workers', undefined, bearer(KEYS.writer))).status).toBe(200);
    expect((await putType(KEYS.writer)).status).toBe(403);

    expect((await putType(KEYS.admin)).status).toBe(200);
    expect((await create(KEYS.admin)).status).toBe(201);
    expect((await putType(KEYS.plain)).status).toBe(200);
    expect((await create('not-a-key')).status).toBe(401);
  });

  it('writes the key name in the task log and the access log, and the key nowhere', async () => {
    const created = await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {} }, bearer(KEYS.writer));
    const batch = await f.call(
      'POST',
      '/api/v1/tasks/batch',
      { tasks: [{ task_type: 'echo', payload: {} }] },
      bearer(KEYS.plain),
    );
    const logs = await f.call('GET', `/api/v1/tasks/${created.body.data.task_id}/logs`, undefined, bearer(KEYS.reader));
    expect(logs.body.data.map((l: { message: string }) => l.message)).toEqual([
      'Task created',
      'Created with API key "producer"',
    ]);
    expect(logs.body.data[1]).toMatchObject({ log_type: 'INFO', worker_id: null });
    const batchLogs = await f.call(
      'GET',
      `/api/v1/tasks/${batch.body.data.task_ids[0]}/logs`,
      undefined,
      bearer(KEYS.reader),
    );
    expect(batchLogs.body.data.map((l: { message: string }) => l.message)).toContain('Created with API key "key-4"');

    const access = f.logLines
      .filter((l) => Array.isArray(l) && l[1] === 'http request')
      .map((l) => (l as [Record<string, unknown>])[0]);
    expect(access.some((l) => l.api_key === 'producer' && l.method === 'POST')).toBe(true);
    const everything = JSON.stringify(f.logLines);
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
  });
});

describe('API key scopes over gRPC', () => {
  let app: TaskManager;
  let client: TaskServiceClient;
  const lines: unknown[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = await memoryApp({
      handlers: { echo: (payload) => payload },
      config: {
        app: { host: '127.0.0.1', port: 0 },
        grpc: { port },
        plugins: [httpApi({ apiKeys: CONFIGURED }), grpcApi()],
      },
      logger: silentLogger(lines),
    });
    await app.start();
    client = taskServiceClient(`127.0.0.1:${port}`);
  });
  afterAll(async () => {
    client?.close();
    await app?.stop();
  });

  it('applies the same scopes: PERMISSION_DENIED / 40301 for a key without the scope', async () => {
    const denied = await client.call('CreateTask', { task_type: 'echo' }, { apiKey: KEYS.reader });
    expect(denied.error?.code).toBe(status.PERMISSION_DENIED);
    expect(tmCode(denied.error)).toBe(40301);
    const created = await client.ok('CreateTask', { task_type: 'echo' }, { apiKey: KEYS.writer });
    const read = await client.ok('GetTaskLogs', { task_id: created.task.task_id }, { apiKey: KEYS.reader });
    expect(read.logs.map((l: { message: string }) => l.message).slice(0, 2)).toEqual([
      'Task created',
      'Created with API key "producer"',
    ]);
    expect((await client.call('ListTasks', { priority: -1 }, { apiKey: 'nope' })).error?.code).toBe(
      status.UNAUTHENTICATED,
    );
    const everything = JSON.stringify(lines);
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
  });
});
