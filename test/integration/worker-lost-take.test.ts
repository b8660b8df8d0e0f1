import { afterEach, describe, expect, it } from 'vitest';
import {
  definePlugin,
  DependencyUnavailableError,
  TOKENS,
  type Plugin,
  type PluginContext,
  type TaskManager,
  type TaskQueue,
  type Token,
} from '../../core/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryApp, waitForStatus } from '../helpers/memory-app.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/**
 * The memory queue, except that chosen `ackAndTake` calls do their work and then fail, the way
 * a Redis call does when the connection drops after the server ran it and before the answer
 * came back: the ids are in the worker's processing list, and the worker was told nothing.
 */
function queueLosingAnswers(loseCalls: Set<number>): Plugin {
  const inner = memoryQueue();
  let calls = 0;
  return definePlugin({
    name: 'queue-memory',
    provides: ['queue', 'coordination'],
    setup(ctx) {
      const provide = ctx.provide.bind(ctx);
      // Object.create, not a spread: reading ctx.services during setup is refused.
      const wrapped: PluginContext = Object.create(ctx);
      return inner.setup?.(
        Object.assign(wrapped, {
          provide: <T>(token: Token<T>, value: T) => {
            if (token !== TOKENS.Queue) return provide(token, value);
            const queue = value as TaskQueue;
            const lossy: TaskQueue = Object.create(queue);
            lossy.ackAndTake = async (...args) => {
              const taken = await queue.ackAndTake(...args);
              calls++;
              if (taken.length > 0 && loseCalls.has(calls)) throw new DependencyUnavailableError('queue');
              return taken;
            };
            return provide(token, lossy as T);
          },
        }),
      );
    },
    stop: (ctx) => inner.stop?.(ctx),
  });
}

describe('a take whose answer was lost', () => {
  it('leaves no task behind: the worker finds the ids in its processing list and runs them', async () => {
    let runs = 0;
    app = await memoryApp({
      handlers: { job: () => void runs++ },
      config: { worker: { takeWait: '50ms', heartbeatInterval: '200ms', heartbeatTimeout: '1h' } },
      queue: queueLosingAnswers(new Set([1, 2])),
    });
    await app.start();
    const created = await app.services.tasks.createMany(
      Array.from({ length: 30 }, () => ({ taskType: 'job', payload: {} })),
    );
    for (const { task } of created) await waitForStatus(app, task.taskId, ['SUCCESS'], 5_000);
    expect(runs).toBe(30);
    const queue = app.resolve(TOKENS.Queue);
    expect(await queue.processingIds(app.worker!.id)).toEqual([]);
  });
});
