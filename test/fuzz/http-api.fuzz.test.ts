/**
 * Property-based hostile input over every HTTP endpoint of the OpenAPI document (so a route
 * added later is fuzzed too), on memory and on MySQL storage: random JSON shapes, sizes,
 * encodings, content types, headers, path and query values, and raw bytes on the socket.
 * Whatever arrives: never a 5xx, never a hang, every error a documented code with its
 * documented status (docs/api.md), never a half-written task. Seeded and bounded: the seed
 * is printed on failure (replay with FUZZ_SEED=<seed>).
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, type Plugin } from '../../core/index.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { mysqlStorage, runMigrations } from '../../plugins/storage-mysql/index.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';
import { createTestDatabase } from '../helpers/mysql-test-database.ts';
import { mysqlAvailability } from '../helpers/services.ts';
import { DOCUMENTED_CODES, fuzzParameters, nastyString } from './support/documented.ts';
import {
  batchBody,
  contentType,
  createBody,
  encodedBody,
  extraHeaders,
  taskTypeBody,
} from './support/http-arbitraries.ts';

const mysql = await mysqlAvailability();
/** No answer within this is a hang (the fuzzed server's own request timeout is 2 s). */
const HANG_MS = 6_000;

interface Endpoint {
  method: string;
  /** OpenAPI path, `{param}` placeholders. */
  path: string;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const storages = [
  {
    name: 'memory',
    available: true,
    make: async () => ({ storage: memoryStorage() as Plugin, cleanup: async () => {} }),
  },
  {
    name: 'MySQL',
    available: mysql.available,
    make: async () => {
      const db = await createTestDatabase('fuzz_http');
      await runMigrations(db.url);
      return { storage: mysqlStorage({ url: db.url, poolSize: 4 }) as Plugin, cleanup: () => db.drop() };
    },
  },
];

describe.each(storages)('HTTP API fuzz on $name storage', ({ available, make }) => {
  let f: ApiFixture;
  let cleanup = async () => {};
  let endpoints: Endpoint[] = [];
  let knownTaskId = '';

  beforeAll(async () => {
    if (!available) return;
    const made = await make();
    cleanup = made.cleanup;
    f = await startApiManager(
      { headersTimeout: '1s', requestTimeout: '2s', apiKeys: [] },
      {},
      { storage: made.storage, plugins: [demoExecutors()] },
    );
    const doc = (await f.call('GET', '/openapi.json')).body as unknown as {
      paths: Record<string, Record<string, unknown>>;
    };
    endpoints = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: p })),
    );
    knownTaskId = (await f.call('POST', '/api/v1/tasks', { task_type: 'echo', payload: {} })).body.data.task_id;
  }, 60_000);

  afterAll(async () => {
    await f?.manager.stop();
    await cleanup();
  });

  const countTasks = () => f.manager.resolve(TOKENS.Storage).countTasks({});

  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Answer | 'client-refused'> {
    let response: Response;
    try {
      response = await fetch(`http://127.0.0.1:${f.api.port}${path}`, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        signal: AbortSignal.timeout(HANG_MS),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new Error(`${method} ${path}: no answer within ${HANG_MS} ms (a hang)`);
      // The client itself refused the request (a header value it will not send): nothing reached the server.
      if (error instanceof TypeError) return 'client-refused';
      throw error;
    }
    const type = response.headers.get('content-type') ?? '';
    // A stream (server-sent events) answers at once and never ends: its headers are the answer.
    if (type.includes('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, contentType: type, text: '' };
    }
    return { status: response.status, contentType: type, text: await response.text() };
  }

  /** A 5xx, an undocumented code, or a code with another status than documented fails the property. */
  function assertWellAnswered(answer: Answer, what: string): void {
    expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    if (answer.status < 400 || !answer.contentType.includes('json')) return;
    const body = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
    expect(typeof body.message, `${what}: error message`).toBe('string');
    const documented = DOCUMENTED_CODES.get(body.code as number);
    expect(documented, `${what}: code ${String(body.code)} is not in docs/api.md`).toBeDefined();
    // 415 is documented with code 40001 ("also 415 when the body is not JSON").
    expect(
      answer.status === 415 && body.code === 40001 ? 400 : answer.status,
      `${what}: status of code ${String(body.code)}`,
    ).toBe(documented);
    expect(answer.text, `${what}: a stack trace`).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  }

  const pathValue = fc.oneof(
    { weight: 2, arbitrary: fc.constant('known') },
    { weight: 1, arbitrary: fc.constantFrom('echo', 'retired', 'x') },
    { weight: 3, arbitrary: nastyString.map((s) => encodeURIComponent(s.toWellFormed()).slice(0, 2_000)) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '..%2F..%2F', '%00', 'a/b', '%2e%2e') },
  );
  const query = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'status',
        'task_type',
        'priority',
        'worker_id',
        'created_from',
        'created_to',
        'limit',
        'cursor',
        'page',
      ),
      fc.string({ maxLength: 8 }),
    ),
    fc.oneof(
      nastyString,
      fc.constantFrom('PENDING', 'SUCCESS,FAILED', '0', '1', '-1', '1000000', '2026-01-01T00:00:00Z', 'e30'),
    ),
    { maxKeys: 4 },
  );

  it.skipIf(!available)(
    'any request to any endpoint: never a 5xx, never a hang, every error a documented code',
    async () => {
      expect(endpoints.length).toBeGreaterThanOrEqual(10);
      const request = fc.record({
        endpoint: fc.constantFrom(...endpoints),
        params: fc.array(pathValue, { minLength: 2, maxLength: 2 }),
        query,
        contentType,
        headers: extraHeaders,
        body: encodedBody(fc.oneof(createBody, batchBody, taskTypeBody, fc.jsonValue({ maxDepth: 4 }))),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          const path = r.endpoint.path.replace(/\{[^}]+\}/g, () => {
            const value = r.params[i++]!;
            return value === 'known' ? knownTaskId : value;
          });
          const search = new URLSearchParams(r.query).toString();
          const headers: Record<string, string> = {
            ...r.headers,
            ...(r.contentType ? { 'content-type': r.contentType } : {}),
          };
          const answer = await send(r.endpoint.method, search ? `${path}?${search}` : path, headers, r.body);
          if (answer !== 'client-refused') assertWellAnswered(answer, `${r.endpoint.method} ${path}`);
        }),
        fuzzParameters(250),
      );
    },
    180_000,
  );

  it.skipIf(!available)(
    'create and batch create: all or nothing, never a half-written task',
    async () => {
      const attempt = fc.record({
        batch: fc.boolean(),
        single: createBody,
        many: batchBody,
        encoded: fc.boolean(),
        contentType,
      });
      await fc.assert(
        fc.asyncProperty(attempt, async (a) => {
          const body = a.batch ? a.many : a.single;
          const before = await countTasks();
          const answer = await send(
            'POST',
            a.batch ? '/api/v1/tasks/batch' : '/api/v1/tasks',
            { 'content-type': a.encoded ? a.contentType : 'application/json' },
            Buffer.from(JSON.stringify(body)),
          );
          if (answer === 'client-refused') return;
          assertWellAnswered(answer, 'create');
          const after = await countTasks();
          if (answer.status >= 400) {
            expect(after, `refused with ${answer.status} but wrote tasks: ${answer.text.slice(0, 200)}`).toBe(before);
            return;
          }
          const data = (
            JSON.parse(answer.text) as {
              data: { created?: boolean; task_id?: string; tasks?: { task_id: string; created: boolean }[] };
            }
          ).data;
          const results = a.batch ? data.tasks! : [{ task_id: data.task_id!, created: data.created! }];
          const createdIds = new Set(results.filter((t) => t.created).map((t) => t.task_id));
          expect(after - before, 'tasks written = tasks answered created').toBe(createdIds.size);
          for (const id of new Set(results.map((t) => t.task_id))) {
            const task = await f.call('GET', `/api/v1/tasks/${encodeURIComponent(id)}`);
            expect(task.status, `task ${id} answered but not readable`).toBe(200);
            const logs = await f.call('GET', `/api/v1/tasks/${encodeURIComponent(id)}/logs`);
            expect(logs.body.data[0]?.message, `task ${id} without its "Task created" row`).toBe('Task created');
          }
        }),
        fuzzParameters(150),
      );
    },
    180_000,
  );

  it.skipIf(!available)(
    'raw bytes on the socket: never a 5xx or a hang, and the server keeps serving',
    async () => {
      const line = fc.oneof(
        fc.constantFrom(
          'GET /healthz HTTP/1.1',
          'POST /api/v1/tasks HTTP/1.1',
          'PUT /api/v1/task-types/x HTTP/1.1',
          'GET / HTTP/1.0',
          'BREW /pot HTCPCP/1.0',
        ),
        fc.string({ unit: 'binary-ascii', maxLength: 60 }),
      );
      const header = fc.oneof(
        fc.constantFrom(
          'Host: x',
          'Content-Length: 5',
          'Content-Length: -1',
          'Content-Length: 99999999999999999999',
          'Content-Length: 3\r\nContent-Length: 4',
          'Transfer-Encoding: chunked',
          'Transfer-Encoding: gzip, chunked',
          'Content-Type: application/json',
          'Expect: 100-continue',
          'Connection: close',
        ),
        fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      );
      const raw = fc.record({
        line,
        headers: fc.array(header, { maxLength: 6 }),
        body: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom('5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', '{"task_type":"echo","payload":{}}'),
        ),
      });
      await fc.assert(
        fc.asyncProperty(raw, async (r) => {
          const text = `${r.line}\r\n${r.headers.join('\r\n')}${r.headers.length ? '\r\n' : ''}\r\n${r.body}`;
          const received = await rawExchange(f.api.port!, Buffer.from(text, 'latin1'));
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
          expect(status, received.slice(0, 300)).toBeLessThan(500);
          const json = received.indexOf('\r\n\r\n{');
          if (status >= 400 && json >= 0) {
            const code = Number(/"code":(\d+)/.exec(received.slice(json))?.[1]);
            expect(DOCUMENTED_CODES.has(code), `code ${code}`).toBe(true);
          }
        }),
        fuzzParameters(150),
      );
      expect((await f.call('GET', '/healthz')).status).toBe(200);
    },
    180_000,
  );
});

/** Writes the bytes, half-closes, and returns what came back before the server closed (a hang fails). */
function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request: the server neither answered nor closed within ${HANG_MS} ms`));
    }, HANG_MS);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.once('connect', () => socket.end(bytes));
  });
}
