import { describe, expect, it } from 'vitest';
import { noopMetrics } from '../../ports/metrics.ts';
import { NonRetryableError } from '../../domain/errors.ts';
import { memoryPorts } from '../../../test/helpers/memory-ports.ts';
import { OutcomeCommitter } from './outcome-committer.ts';
import { OutcomeMapper } from './outcomes.ts';

/** One task's outcome, mapped and committed by hand on the memory ports, time standing still. */
async function setup() {
  const ports = await memoryPorts([{ taskType: 'email', executorType: 'local', retryDelay: 10, defaultMaxRetry: 3 }]);
  const { clock, types, events, state, storage, queue, logger, createQueued } = ports;
  const durable: string[] = [];
  const outcomes = new OutcomeMapper({ workerId: 'w1', clock, types, events, metrics: noopMetrics });
  const committer = new OutcomeCommitter(state, storage, queue, logger, (ids) => durable.push(...ids));
  await createQueued([{ taskId: 't1' }]);
  const now = clock.now();
  await state.transition([
    { taskId: 't1', from: 'PENDING', to: 'PROCESSING', patch: { workerId: 'w1', startedAt: now }, logs: [], at: now },
  ]);
  clock.advance(1_500);
  const running = await ports.task('t1');
  return { ...ports, outcomes, committer, durable, running };
}

describe('a worker outcome', () => {
  it('success: SUCCESS with the result, then the ack and task_completed', async () => {
    const { outcomes, committer, running, task, durable, emitted, clock } = await setup();
    committer.add(outcomes.outcome(running, { kind: 'success', result: { sent: true } }, 1_500));
    await committer.drain();

    expect(await task('t1')).toMatchObject({
      status: 'SUCCESS',
      result: { sent: true },
      completedAt: clock.now(),
      errorMsg: null,
    });
    expect(durable).toEqual(['t1']);
    expect(
      emitted
        .filter((e) => e.name === 'task_completed')
        .map((e) => [e.event.taskId, e.event.workerId, e.event.durationMs]),
    ).toEqual([['t1', 'w1', 1_500]]);
  });

  it('a retryable failure: back to PENDING in one step, parked in the delayed queue until retry_delay has passed', async () => {
    const { outcomes, committer, running, task, durable, emitted, clock, queue, storage } = await setup();
    committer.add(
      outcomes.outcome(running, { kind: 'failed', error: new Error('smtp down'), nonRetryable: false }, 20),
    );
    await committer.drain();

    expect(await task('t1')).toMatchObject({
      status: 'PENDING',
      retryCount: 1,
      errorMsg: 'smtp down',
      workerId: null,
      scheduledAt: new Date(clock.now().getTime() + 10_000),
    });
    expect((await storage.getLogs('t1')).map((l) => [l.fromStatus, l.toStatus])).toContainEqual([
      'PROCESSING',
      'FAILED',
    ]);
    expect((await queue.lengths()).delayed).toBe(1);
    expect(await queue.promoteDue(new Date(clock.now().getTime() + 9_999), 10)).toBe(0);
    expect(await queue.promoteDue(new Date(clock.now().getTime() + 10_000), 10)).toBe(1);
    expect(durable).toEqual(['t1']);
    expect(emitted.filter((e) => e.name === 'task_failed').map((e) => e.event.final)).toEqual([false]);
    expect(emitted.filter((e) => e.name === 'task_retried').map((e) => [e.event.retryCount, e.event.delayMs])).toEqual([
      [1, 10_000],
    ]);
  });

  it('a non-retryable failure: FAILED at once, nothing queued', async () => {
    const { outcomes, committer, running, task, queue, emitted } = await setup();
    committer.add(
      outcomes.outcome(running, { kind: 'failed', error: new NonRetryableError('bad address'), nonRetryable: true }, 5),
    );
    await committer.drain();

    expect(await task('t1')).toMatchObject({ status: 'FAILED', retryCount: 0, errorMsg: 'bad address' });
    expect((await queue.lengths()).delayed).toBe(0);
    expect(emitted.filter((e) => e.name === 'task_failed').map((e) => e.event.final)).toEqual([true]);
  });

  it('a result storage cannot hold ends the task FAILED, saying why', async () => {
    const { outcomes, committer, running, task } = await setup();
    committer.add(outcomes.outcome(running, { kind: 'success', result: 'x'.repeat(20_000_000) }, 5));
    await committer.drain();

    const ended = await task('t1');
    expect(ended.status).toBe('FAILED');
    expect(ended.errorMsg).toMatch(/^Task outcome could not be stored: result /);
  });
});
