import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../core/index.ts';
import { localExecutor } from './index.ts';
import { createFakePluginContext } from '../../test/helpers/fake-plugin-context.ts';
import { makeExecutionContext, makeTask } from '../../test/helpers/plugin-fixtures.ts';

describe('executor-local', () => {
  it('registers one executor serving the handler keys, named by its type', async () => {
    const ctx = createFakePluginContext();
    const plugin = localExecutor({ a: () => 1, b: () => 2 });
    expect(plugin.name).toBe('executor-local');
    await plugin.setup?.(ctx);
    expect(ctx.executors).toHaveLength(1);
    expect(ctx.executors[0]?.type).toBe('local');
    expect(ctx.executors[0]?.taskTypes).toEqual(['a', 'b']);
    expect(localExecutor({ a: () => 1 }, { type: 'billing' }).name).toBe('executor-local:billing');
  });

  it('passes payload, context and task to the handler and returns its result', async () => {
    const ctx = createFakePluginContext();
    await localExecutor({
      async double(payload, execution, task) {
        execution.progress(50, 'half');
        execution.log('doubling', task.taskId);
        return { value: Number(payload.value) * 2 };
      },
    }).setup?.(ctx);
    const execution = makeExecutionContext();
    const result = await ctx.executors[0]?.execute(makeTask({ taskType: 'double', payload: { value: 21 } }), execution);
    expect(result).toEqual({ value: 42 });
    expect(execution.progressReports).toEqual([{ percent: 50, message: 'half' }]);
    expect(execution.logs).toEqual([{ message: 'doubling', detail: 'task-1' }]);
  });

  it('propagates handler errors and rejects unknown types as non-retryable', async () => {
    const ctx = createFakePluginContext();
    await localExecutor({
      boom() {
        throw new Error('kaput');
      },
    }).setup?.(ctx);
    const executor = ctx.executors[0]!;
    await expect(executor.execute(makeTask({ taskType: 'boom' }), makeExecutionContext())).rejects.toThrow('kaput');
    await expect(executor.execute(makeTask({ taskType: 'other' }), makeExecutionContext())).rejects.toBeInstanceOf(
      NonRetryableError,
    );
  });
});
