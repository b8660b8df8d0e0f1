/**
 * Property-based hostile input over the gRPC API (proto/task_service.proto): well-typed
 * messages with hostile values for every RPC, and raw bytes that are not a message at all.
 * Whatever arrives: never INTERNAL or UNKNOWN, never a hang (a deadline), every error a
 * documented status carrying its documented tm-code (docs/api.md, "gRPC API"), never a
 * half-written task. Seeded and bounded: the seed is printed on failure (FUZZ_SEED replays).
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../core/index.ts';
import { demoExecutors } from '../../plugins/executor-demo/index.ts';
import { grpcApi } from '../../plugins/grpc-api/index.ts';
import { freePort } from '../helpers/free-port.ts';
import { taskServiceClient, tmCode, type TaskServiceClient } from '../helpers/grpc-client.ts';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';
import { DOCUMENTED_GRPC, fuzzParameters, nastyNumber, nastyString } from './support/documented.ts';

const DEADLINE_MS = 5_000;
const SERVICE = '/taskservice.TaskService/';
const int32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, -1, 2, 604_801));
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('echo', 'retired', 'nope', '') },
  { weight: 2, arbitrary: nastyString.map((s) => s.toWellFormed()) },
);

/** JSON → google.protobuf.Struct's message form. */
function structValue(value: unknown): object {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(structValue) } };
  return { structValue: struct(value as Record<string, unknown>) };
}
const struct = (object: Record<string, unknown>) => ({
  fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, structValue(v)])),
});

const createRequest = fc.record(
  {
    task_type: text,
    priority: int32,
    payload: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
    json_payload: fc
      .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 })
      .map(struct),
    timeout: int32,
    max_retry: int32,
    delay: fc.oneof(nastyNumber, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1)),
    run_at: fc.record({
      seconds: fc.oneof(fc.integer(), fc.constantFrom(-62_135_596_800, 253_402_300_800, 0)),
      nanos: fc.integer({ min: -5, max: 1_000_000_000 }),
    }),
    idempotency_key: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), text),
  },
  { requiredKeys: [] },
);
const taskIdRequest = fc.record({ task_id: fc.oneof(fc.constant('known'), text) }, { requiredKeys: [] });
const rpcCall = fc.oneof(
  fc.record({ rpc: fc.constant('CreateTask'), request: createRequest }),
  fc.record({
    rpc: fc.constant('CreateTasks'),
    request: fc.record({ tasks: fc.array(createRequest, { maxLength: 8 }) }),
  }),
  fc.record({ rpc: fc.constantFrom('GetTask', 'CancelTask', 'RetryTask', 'GetTaskLogs'), request: taskIdRequest }),
  fc.record({
    rpc: fc.constant('ListTasks'),
    request: fc.record(
      {
        status: fc.oneof(fc.constantFrom('PENDING', 'SUCCESS,FAILED', 'x'), text),
        priority: int32,
        page: int32,
        page_size: int32,
        task_type: text,
        cursor: text,
      },
      { requiredKeys: [] },
    ),
  }),
);

describe('gRPC API fuzz', () => {
  let f: ApiFixture;
  let client: TaskServiceClient;
  let raw: Client;
  let knownTaskId = '';

  beforeAll(async () => {
    const port = await freePort();
    f = await startApiManager({}, {}, { plugins: [demoExecutors(), grpcApi({ port })] });
    client = taskServiceClient(`127.0.0.1:${port}`);
    raw = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    knownTaskId = (await client.ok('CreateTask', { task_type: 'echo' })).task.task_id;
  });

  afterAll(async () => {
    client?.close();
    raw?.close();
    await f?.manager.stop();
  });

  const countTasks = () => f.manager.resolve(TOKENS.Storage).countTasks({});

  /** Documented status and tm-code, or a documented transport refusal; never a hang. */
  function assertDocumented(error: ServiceError | undefined, what: string): void {
    if (!error) return;
    expect(error.code, `${what}: no answer within ${DEADLINE_MS} ms (a hang)`).not.toBe(status.DEADLINE_EXCEEDED);
    const name = status[error.code];
    expect([status.INTERNAL, status.UNKNOWN], `${what}: ${name} ${error.details}`).not.toContain(error.code);
    const codes = DOCUMENTED_GRPC.get(name);
    expect(codes, `${what}: status ${name} is not in docs/api.md`).toBeDefined();
    expect(codes, `${what}: ${name} with tm-code ${tmCode(error)} (${error.details})`).toContain(tmCode(error));
  }

  it('every RPC with hostile values: documented statuses and codes, and a refused create writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(rpcCall, async ({ rpc, request }) => {
        const message = 'task_id' in request && request.task_id === 'known' ? { task_id: knownTaskId } : request;
        const before = rpc.startsWith('Create') ? await countTasks() : 0;
        const { error } = await client.call(rpc, message, { timeoutMs: DEADLINE_MS });
        assertDocumented(error, rpc);
        if (error && rpc.startsWith('Create'))
          expect(await countTasks(), `${rpc} refused but wrote tasks`).toBe(before);
      }),
      fuzzParameters(300),
    );
  }, 120_000);

  it('an error echoing a huge input reaches the client, and the connection stays usable', async () => {
    // Found by the property above: a 70 KB task id echoed in the status message overflowed the
    // client's trailer limit, which broke the connection instead of answering NOT_FOUND.
    const { error } = await client.call('GetTaskLogs', { task_id: 'x'.repeat(70_000) }, { timeoutMs: DEADLINE_MS });
    expect(error?.code).toBe(status.NOT_FOUND);
    expect(tmCode(error)).toBe(40401);
    expect(error!.details.length).toBeLessThan(1_100);
    expect((await client.call('ListTasks', { priority: -1 }, { timeoutMs: DEADLINE_MS })).error).toBeUndefined();
  });

  it('bytes that are not a message: refused as INVALID_ARGUMENT, never INTERNAL', async () => {
    const garbage = fc.record({
      rpc: fc.constantFrom(
        'CreateTask',
        'CreateTasks',
        'GetTask',
        'CancelTask',
        'RetryTask',
        'GetTaskLogs',
        'ListTasks',
      ),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(
          new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
          new Uint8Array([0x08]),
          new Uint8Array([0xff]),
        ),
      ),
    });
    await fc.assert(
      fc.asyncProperty(garbage, async ({ rpc, bytes }) => {
        const error = await new Promise<ServiceError | undefined>((resolve) => {
          raw.makeUnaryRequest(
            `${SERVICE}${rpc}`,
            (b: Buffer) => b,
            (b: Buffer) => b,
            Buffer.from(bytes),
            new Metadata(),
            { deadline: Date.now() + DEADLINE_MS },
            (e: ServiceError | null) => resolve(e ?? undefined),
          );
        });
        assertDocumented(error, `${rpc} with raw bytes`);
      }),
      fuzzParameters(200),
    );
  }, 120_000);
});
