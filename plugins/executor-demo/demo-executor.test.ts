import { describe, expect, it } from 'vitest';
import { isNonRetryable, NonRetryableError, type Executor } from '../../core/index.ts';
import { demoExecutors } from './index.ts';
import { createFakePluginContext } from '../../test/helpers/fake-plugin-context.ts';
import { makeExecutionContext, makeTask } from '../../test/helpers/plugin-fixtures.ts';

async function demo(): Promise<Executor> {
  const ctx = createFakePluginContext();
  await demoExecutors().setup?.(ctx);
  return ctx.executors[0]!;
}

describe('executor-demo', () => {
  it('registers type demo for echo, sleep and fail', async () => {
    const executor = await demo();
    expect(executor.type).toBe('demo');
    expect([...executor.taskTypes]).toEqual(['echo', 'sleep', 'fail']);
  });

  it('echo returns its payload', async () => {
    const payload = { a: 1, nested: { b: [true, null] } };
    expect(await (await demo()).execute(makeTask({ taskType: 'echo', payload }), makeExecutionContext())).toEqual(
      payload,
    );
  });

  it('sleep resolves after ms', async () => {
    const started = Date.now();
    const result = await (await demo()).execute(
      makeTask({ taskType: 'sleep', payload: { ms: 30 } }),
      makeExecutionContext(),
    );
    expect(result).toEqual({ slept_ms: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('sleep rejects promptly with the signal reason on abort', async () => {
    const controller = new AbortController();
    const pending = (await demo()).execute(
      makeTask({ taskType: 'sleep', payload: { ms: 60_000 } }),
      makeExecutionContext({ signal: controller.signal }),
    );
    const reason = new Error('Task execution timeout after 1s');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(200);
  });

  it('sleep rejects a bad ms as non-retryable', async () => {
    const failure = (await demo()).execute(
      makeTask({ taskType: 'sleep', payload: { ms: 'soon' } }),
      makeExecutionContext(),
    );
    await expect(failure).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('fail throws a retryable error by default and a non-retryable one on request', async () => {
    const executor = await demo();
    const plain = await executor
      .execute(makeTask({ taskType: 'fail' }), makeExecutionContext())
      .catch((e: unknown) => e);
    expect((plain as Error).message).toBe('Requested failure');
    expect(isNonRetryable(plain)).toBe(false);
    const final = executor.execute(
      makeTask({ taskType: 'fail', payload: { message: 'bad input', retryable: false } }),
      makeExecutionContext(),
    );
    await expect(final).rejects.toBeInstanceOf(NonRetryableError);
    await expect(final).rejects.toThrow('bad input');
  });
});
