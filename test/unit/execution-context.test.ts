import { describe, expect, it } from 'vitest';
import { systemClock, type EventBus, type Logger } from '../../core/index.ts';
import { InProcessEventBus } from '../../core/runtime/events.ts';
import { TaskExecutionContext } from '../../core/services/execution-context.ts';
import { LazyAbort } from '../../core/services/lazy-abort.ts';
import { MemoryStorage } from '../../plugins/storage-memory/index.ts';
import { makeTask, makeTaskType } from '../helpers/plugin-fixtures.ts';
import { silentLogger } from '../helpers/fake-plugin-context.ts';

/** A silent logger that records the bindings of every child it is asked for. */
function countingLogger(children: unknown[]): Logger {
  const base = silentLogger();
  return { ...base, child: (bindings) => (children.push(bindings), base) };
}

describe('TaskExecutionContext', () => {
  async function setup() {
    const storage = new MemoryStorage(systemClock);
    const task = makeTask({ taskId: 't-1', taskType: 'echo' });
    await storage.createTasks([{ ...task }]);
    const events: EventBus = new InProcessEventBus(systemClock, 'test', silentLogger());
    const children: unknown[] = [];
    const abort = new LazyAbort();
    const ctx = new TaskExecutionContext(task, makeTaskType({ taskType: 'echo' }), 'w-1', abort, {
      storage,
      clock: systemClock,
      events,
      logger: countingLogger(children),
    });
    return { storage, events, ctx, abort, children };
  }

  it('log and progress work when destructured, and write INFO rows', async () => {
    const { storage, events, ctx } = await setup();
    const progress: unknown[] = [];
    events.on('task_progress', (e) => {
      progress.push([e.percent, e.message]);
    });
    const { log, progress: report } = ctx;
    log('step one', 'detail');
    report(142.4, 'almost');
    await new Promise((r) => setImmediate(r));
    const rows = (await storage.getLogs('t-1')).filter((l) => l.logType === 'INFO');
    expect(rows.map((r) => [r.message, r.errorDetail, r.workerId])).toEqual([
      ['step one', 'detail', 'w-1'],
      ['Progress 100%: almost', null, 'w-1'],
    ]);
    expect(progress).toEqual([[100, 'almost']]);
    expect(ctx.log).toBe(log);
  });

  it('makes the child logger once, on first use only', async () => {
    const { ctx, children } = await setup();
    expect(children).toEqual([]);
    void ctx.logger;
    void ctx.logger;
    expect(children).toEqual([{ taskId: 't-1', taskType: 'echo' }]);
  });

  it('its signal follows the task abort', async () => {
    const { ctx, abort } = await setup();
    expect(ctx.signal.aborted).toBe(false);
    abort.abort('cancelled');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.workerId).toBe('w-1');
    expect(ctx.taskType.taskType).toBe('echo');
  });
});
