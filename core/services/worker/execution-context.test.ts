import { describe, expect, it } from 'vitest';
import { LogMessage, systemClock, type EventBus, type Logger } from '../../index.ts';
import { InProcessEventBus } from '../../runtime/events.ts';
import { TaskExecutionContext } from './execution-context.ts';
import { LazyAbort } from './lazy-abort.ts';
import { PROGRESS_LOG_INTERVAL_MS } from './progress-reporter.ts';
import { ProgressWriter } from './progress-writer.ts';
import { MemoryStorage } from '../../../plugins/storage-memory/index.ts';
import { makeTask, makeTaskType } from '../../../test/helpers/plugin-fixtures.ts';
import { silentLogger } from '../../../test/helpers/fake-plugin-context.ts';
import { waitFor } from '../../../test/helpers/wait.ts';

/** A silent logger that records the bindings of every child it is asked for. */
function countingLogger(children: unknown[]): Logger {
  const base = silentLogger();
  return { ...base, child: (bindings) => (children.push(bindings), base) };
}

describe('TaskExecutionContext', () => {
  async function setup() {
    const storage = new MemoryStorage(systemClock);
    const startedAt = new Date('2026-01-01T00:00:01Z');
    const task = makeTask({ taskId: 't-1', taskType: 'echo', workerId: 'w-1', startedAt });
    await storage.createTasks([{ ...task }]);
    await storage.transition([
      {
        taskId: 't-1',
        from: 'PENDING',
        to: 'PROCESSING',
        patch: { workerId: 'w-1', startedAt },
        logs: [],
        at: startedAt,
      },
    ]);
    const events: EventBus = new InProcessEventBus(systemClock, 'test', silentLogger());
    const progressEvents: [number, string | undefined][] = [];
    events.on('task_progress', (e) => {
      progressEvents.push([e.percent, e.message]);
    });
    const children: unknown[] = [];
    const abort = new LazyAbort();
    const writes: number[] = [];
    const counted = Object.assign(Object.create(storage) as MemoryStorage, {
      writeProgress: (updates: Parameters<MemoryStorage['writeProgress']>[0]) => (
        writes.push(updates.length), storage.writeProgress(updates)
      ),
    });
    const writer = new ProgressWriter(counted, events, silentLogger(), 50);
    const ctx = new TaskExecutionContext(task, makeTaskType({ taskType: 'echo' }), 'w-1', abort, {
      storage,
      clock: systemClock,
      events,
      logger: countingLogger(children),
      progress: writer,
    });
    const infoRows = async () =>
      (await storage.getLogs('t-1')).filter((l) => l.logType === 'INFO').map((l) => l.message);
    return { storage, ctx, abort, children, progressEvents, writes, infoRows };
  }

  it('log and progress work when destructured: INFO rows, the stored progress and one event', async () => {
    const { storage, ctx, progressEvents } = await setup();
    const { log, progress: report } = ctx;
    log('step one', 'detail');
    report(142.4, 'almost');
    await ctx.finish();
    await new Promise((r) => setImmediate(r));
    const rows = (await storage.getLogs('t-1')).filter((l) => l.logType === 'INFO');
    expect(rows.map((r) => [r.message, r.errorDetail, r.workerId])).toEqual([
      ['step one', 'detail', 'w-1'],
      ['Progress 100%: almost', null, 'w-1'],
    ]);
    expect((await storage.getTask('t-1'))?.progress).toMatchObject({ percent: 100, message: 'almost' });
    expect(progressEvents).toEqual([[100, 'almost']]);
    expect(ctx.log).toBe(log);
  });

  it('a chatty executor: thousands of reports give one log row now, the last one at the end, and few writes', async () => {
    const { storage, ctx, writes, progressEvents, infoRows } = await setup();
    for (let i = 1; i <= 5_000; i++) ctx.progress(i / 50, `item ${i}`);
    await ctx.finish();
    await new Promise((r) => setImmediate(r));
    expect(await infoRows()).toEqual(['Progress 0%: item 1', 'Progress 100%: item 5000']);
    expect((await storage.getTask('t-1'))?.progress).toMatchObject({ percent: 100, message: 'item 5000' });
    expect(writes).toEqual([1]);
    expect(progressEvents).toEqual([[100, 'item 5000']]);
  });

  it('a report held back by the rate limit is logged when the interval ends, without waiting for the end', async () => {
    const { ctx, infoRows } = await setup();
    const started = performance.now();
    ctx.progress(10);
    ctx.progress(20, 'second');
    ctx.progress(30, 'third');
    expect(await infoRows()).toEqual(['Progress 10%']);
    await waitFor(async () => (await infoRows()).length === 2, {
      timeoutMs: PROGRESS_LOG_INTERVAL_MS * 3,
      message: 'the trailing row',
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(PROGRESS_LOG_INTERVAL_MS - 5);
    expect(await infoRows()).toEqual(['Progress 10%', 'Progress 30%: third']);
    await ctx.finish();
    expect(await infoRows()).toHaveLength(2);
  });

  it('ignores NaN and every report after the attempt finished', async () => {
    const { storage, ctx, infoRows } = await setup();
    ctx.progress(Number.NaN, 'nothing');
    ctx.progress(-5);
    await ctx.finish();
    ctx.progress(90, 'too late');
    await new Promise((r) => setTimeout(r, 80));
    expect(await infoRows()).toEqual(['Progress 0%']);
    expect((await storage.getTask('t-1'))?.progress).toMatchObject({ percent: 0, message: null });
  });

  it('costs nothing for a task that never reports: finish returns undefined, no write', async () => {
    const { ctx, writes } = await setup();
    expect(ctx.finish()).toBeUndefined();
    expect(writes).toEqual([]);
  });

  it('a report that lands after the task left PROCESSING writes nothing and emits nothing', async () => {
    const { storage, ctx, progressEvents } = await setup();
    const now = new Date();
    await storage.transition([
      {
        taskId: 't-1',
        from: 'PROCESSING',
        to: 'CANCELLED',
        patch: {},
        logs: [
          {
            taskId: 't-1',
            logType: 'STATE_CHANGE',
            fromStatus: 'PROCESSING',
            toStatus: 'CANCELLED',
            message: LogMessage.cancelledByUser,
            workerId: null,
            retryCount: 0,
            errorDetail: null,
            createdAt: now,
          },
        ],
        at: now,
      },
    ]);
    ctx.progress(50);
    await ctx.finish();
    expect((await storage.getTask('t-1'))?.progress).toBeNull();
    expect(progressEvents).toEqual([]);
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
