import fc from 'fast-check';
import { nastyNumber, nastyString } from './documented.ts';

/** A value of any JSON type, sometimes awkward (`null`, huge, deep). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
);

/** Containers nested `n` deep around a leaf (the storage limit is 20 levels). */
const deep = fc.integer({ min: 15, max: 40 }).map((n) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < n; i++) value = i % 2 ? { a: value } : [value];
  return { nested: value };
});

const payload = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, anyValue, { maxKeys: 3 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: anyValue },
);

const idempotencyKey = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), nastyString);

/** Mostly `valid`, now and then anything at all: so validation passes often enough to reach what lies behind it. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/** A create body: mostly well formed, every field sometimes wrong in type, value or presence. */
export const createBody: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      task_type: fc.oneof(
        { weight: 12, arbitrary: fc.constant('echo') },
        { weight: 1, arbitrary: fc.constantFrom('retired', 'nope') },
        { weight: 1, arbitrary: anyValue },
      ),
      payload: fc.oneof(
        {
          weight: 6,
          arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        },
        { weight: 1, arbitrary: payload },
      ),
      priority: mostly(fc.constantFrom(0, 1, null)),
      timeout: mostly(fc.integer({ min: 1, max: 3600 })),
      max_retry: mostly(fc.integer({ min: 0, max: 10 })),
      delay: mostly(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 5, noNaN: true }))),
      run_at: mostly(
        fc
          .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      ),
      idempotency_key: idempotencyKey,
      unexpected: anyValue,
    },
    { requiredKeys: [] },
  )
  .chain((body) =>
    fc
      .record({ keepRequired: fc.nat(9), keepUnexpected: fc.nat(19), keepBoth: fc.nat(3) })
      .map(({ keepRequired, keepUnexpected, keepBoth }) => {
        const out: Record<string, unknown> = { ...body };
        // Usually both required fields are there, the unknown field rarely, and rarely both delay and run_at.
        if (keepRequired > 0) out.task_type ??= 'echo';
        if (keepRequired > 0) out.payload ??= {};
        if (keepUnexpected > 0) delete out.unexpected;
        if (keepBoth > 0 && 'delay' in out) delete out.run_at;
        return out;
      }),
  );

export const batchBody = fc.oneof(
  { weight: 4, arbitrary: fc.array(createBody, { maxLength: 12 }).map((tasks) => ({ tasks })) },
  { weight: 1, arbitrary: fc.record({ tasks: anyValue }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.array(createBody, { minLength: 1001, maxLength: 1001 }).map((tasks) => ({ tasks })) },
);

/** A task type body for PUT /task-types/:type. */
export const taskTypeBody = fc.record(
  {
    executor_type: fc.oneof(fc.constantFrom('demo', 'nope'), anyValue),
    task_name: anyValue,
    description: anyValue,
    executor_config: fc.oneof(payload, anyValue),
    default_timeout: anyValue,
    default_max_retry: anyValue,
    retry_strategy: fc.oneof(fc.constantFrom('FIXED', 'exponential', 'LINEAR'), anyValue),
    retry_delay: anyValue,
    backoff_rate: anyValue,
    retry_jitter: anyValue,
    max_concurrent: anyValue,
    enabled: anyValue,
  },
  { requiredKeys: [] },
);

/** How a JSON text goes on the wire: its encoding, a BOM, or something else entirely. */
export const encodedBody = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')) },
    { weight: 1, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf16le')) },
    {
      weight: 1,
      arbitrary: json.map((v) =>
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(v) ?? 'null')]),
      ),
    },
    { weight: 1, arbitrary: json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'latin1')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: json.map((v) => Buffer.from((JSON.stringify(v) ?? 'null').slice(0, -1))) },
    {
      weight: 1,
      arbitrary: fc.constant(
        Buffer.from(JSON.stringify({ task_type: 'echo', payload: { big: 'x'.repeat(1_100_000) } })),
      ),
    },
  );

export const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);

/** Extra headers: auth, request ids, idempotency, and arbitrary names with arbitrary (valid) values. */
export const extraHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'authorization',
      'x-request-id',
      'idempotency-key',
      'accept',
      'accept-encoding',
      'content-encoding',
      'traceparent',
      'origin',
      'expect',
    ),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
  ),
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
    fc.constantFrom('gzip', 'Bearer x', 'Bearer', '100-continue', 'null', 'x'.repeat(8_000)),
  ),
  { maxKeys: 4 },
);
