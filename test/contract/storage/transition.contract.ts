import { describe, expect, it } from 'vitest';
import { LogMessage, type JsonObject, type TaskTransition } from '../../../core/index.ts';
import { assign, assignAll, at, change, complete, log, newTask, seed, T0, type CurrentStorage } from './fixtures.ts';

export function describeTransitionContract(storage: CurrentStorage): void {
  describe('transition', () => {
    it('applies a change whose guard matches and rejects one from the wrong status', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;

      const wrong = await storage().transition([complete(id, 'w1', at(500))]);
      expect(wrong).toEqual({ applied: [], rejected: [id] });
      expect(await storage().getTask(id)).toEqual(task);
      expect(await storage().getLogs(id)).toHaveLength(1);

      const right = await storage().transition([assign(id, 'w1', at(1_000))]);
      expect(right).toEqual({ applied: [id], rejected: [] });
      const stored = await storage().getTask(id);
      expect(stored).toMatchObject({
        status: 'PROCESSING',
        workerId: 'w1',
        startedAt: at(1_000),
        updatedAt: at(1_000),
      });
      expect(stored?.createdAt).toEqual(T0);
      expect((await storage().getLogs(id)).map((l) => l.message)).toEqual([LogMessage.created, LogMessage.assigned]);
    });

    it('rejects unknown task ids and reports each change of a batch separately', async () => {
      const [a, b] = await seed(storage(), [newTask(), newTask()]);
      const result = await storage().transition([
        assign(a!.taskId, 'w1', at(1)),
        assign('missing-000000', 'w1', at(1)),
        change(b!.taskId, 'PROCESSING', 'SUCCESS', at(1)),
      ]);
      expect(result.applied).toEqual([a!.taskId]);
      expect([...result.rejected].sort()).toEqual([b!.taskId, 'missing-000000'].sort());
      expect((await storage().getTask(b!.taskId))?.status).toBe('PENDING');
      expect(await storage().getLogs('missing-000000')).toEqual([]);
    });

    it('guards on expectedWorkerId', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      await assignAll(storage(), [id], 'w1', at(1_000));

      expect(await storage().transition([complete(id, 'w2', at(2_000))])).toEqual({ applied: [], rejected: [id] });
      expect((await storage().getTask(id))?.status).toBe('PROCESSING');
      expect(await storage().transition([complete(id, 'w1', at(2_000))])).toEqual({ applied: [id], rejected: [] });
      expect((await storage().getTask(id))?.status).toBe('SUCCESS');
    });

    it('throws on an edge outside the transition table and writes nothing', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      await expect(storage().transition([change(id, 'PENDING', 'SUCCESS', at(1))])).rejects.toThrow();
      await expect(
        storage().transition([{ ...change(id, 'PENDING', 'PENDING', at(1)), via: 'SUCCESS' }]),
      ).rejects.toThrow();
      expect(await storage().getTask(id)).toEqual(task);
      expect(await storage().getLogs(id)).toHaveLength(1);
    });

    it('writes a two-edge retry (PROCESSING → FAILED → PENDING) with both logs and the whole patch', async () => {
      const [task] = await seed(storage(), [newTask({ maxRetry: 3 })]);
      const id = task!.taskId;
      await assignAll(storage(), [id], 'w1', at(1_000));

      const retry: TaskTransition = {
        taskId: id,
        from: 'PROCESSING',
        via: 'FAILED',
        to: 'PENDING',
        expectedWorkerId: 'w1',
        at: at(2_000),
        patch: { retryCount: 1, errorMsg: 'boom', scheduledAt: at(22_000), workerId: null, startedAt: null },
        logs: [
          log(id, {
            fromStatus: 'PROCESSING',
            toStatus: 'FAILED',
            message: LogMessage.failedRetry(1, 3),
            workerId: 'w1',
            errorDetail: 'Error: boom\n    at x',
            createdAt: at(2_000),
          }),
          log(id, {
            logType: 'RETRY',
            fromStatus: 'FAILED',
            toStatus: 'PENDING',
            message: LogMessage.retryScheduled(20_000),
            retryCount: 1,
            createdAt: at(2_000),
          }),
        ],
      };
      expect(await storage().transition([retry])).toEqual({ applied: [id], rejected: [] });

      expect(await storage().getTask(id)).toMatchObject({
        status: 'PENDING',
        retryCount: 1,
        errorMsg: 'boom',
        scheduledAt: at(22_000),
        workerId: null,
        startedAt: null,
        completedAt: null,
        updatedAt: at(2_000),
      });
      const logs = await storage().getLogs(id);
      expect(logs.map((l) => [l.fromStatus, l.toStatus, l.message])).toEqual([
        [null, 'PENDING', LogMessage.created],
        ['PENDING', 'PROCESSING', LogMessage.assigned],
        ['PROCESSING', 'FAILED', 'Task failed, retry 1/3'],
        ['FAILED', 'PENDING', 'Task retry scheduled, delay: 20s'],
      ]);
    });

    it('persists every patch field: result JSON (nested, null), errorMsg, retryCount, maxRetry, dates', async () => {
      const [ok, nul, failed] = await seed(storage(), [newTask(), newTask(), newTask()]);
      await assignAll(storage(), [ok!.taskId, nul!.taskId, failed!.taskId], 'w1', at(1_000));
      const result = {
        rows: [
          { id: 1, tags: ['a', 'ü'] },
          { id: 2, tags: [] },
        ],
        meta: { total: 2, next: null, ratio: 0.5 },
      };
      await storage().transition([
        change(ok!.taskId, 'PROCESSING', 'SUCCESS', at(3_000), { result, completedAt: at(3_000) }),
        change(nul!.taskId, 'PROCESSING', 'SUCCESS', at(3_001), { result: null, completedAt: at(3_001) }),
        change(failed!.taskId, 'PROCESSING', 'FAILED', at(3_002), {
          errorMsg: 'bad input ✗',
          retryCount: 2,
          maxRetry: 2,
          completedAt: at(3_002),
        }),
      ]);

      expect(await storage().getTask(ok!.taskId)).toMatchObject({
        status: 'SUCCESS',
        result,
        completedAt: at(3_000),
        startedAt: at(1_000),
        workerId: 'w1',
      });
      expect(await storage().getTask(nul!.taskId)).toMatchObject({
        status: 'SUCCESS',
        result: null,
        completedAt: at(3_001),
      });
      expect(await storage().getTask(failed!.taskId)).toMatchObject({
        status: 'FAILED',
        errorMsg: 'bad input ✗',
        retryCount: 2,
        maxRetry: 2,
        result: null,
        completedAt: at(3_002),
        updatedAt: at(3_002),
      });
    });

    it('clears fields set to null and leaves fields absent from the patch untouched', async () => {
      const [task] = await seed(storage(), [newTask({ payload: { keep: true } })]);
      const id = task!.taskId;
      await assignAll(storage(), [id], 'w1', at(1_000));
      // Recovery of a dead worker's task.
      await storage().transition([
        change(id, 'PROCESSING', 'PENDING', at(2_000), { workerId: null, startedAt: null, errorMsg: 'worker lost' }),
      ]);
      expect(await storage().getTask(id)).toMatchObject({
        status: 'PENDING',
        workerId: null,
        startedAt: null,
        errorMsg: 'worker lost',
        payload: { keep: true },
        scheduledAt: T0,
        retryCount: 0,
      });

      await assignAll(storage(), [id], 'w2', at(3_000));
      expect(await storage().getTask(id)).toMatchObject({
        workerId: 'w2',
        startedAt: at(3_000),
        errorMsg: 'worker lost',
      });
    });

    it('returns logs oldest first with every field, and appendLogs adds rows without a status change', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      await assignAll(storage(), [id], 'w1', at(1_000));
      await storage().appendLogs([
        log(id, { logType: 'INFO', message: 'progress 50%', workerId: 'w1', createdAt: at(1_500) }),
        log(id, {
          logType: 'ERROR',
          message: 'warning',
          workerId: 'w1',
          retryCount: 0,
          errorDetail: 'détail\nline 2',
          createdAt: at(1_600),
        }),
      ]);
      await storage().appendLogs([]);
      await storage().transition([complete(id, 'w1', at(2_000))]);

      const logs = await storage().getLogs(id);
      expect(logs.map((l) => l.message)).toEqual([
        LogMessage.created,
        LogMessage.assigned,
        'progress 50%',
        'warning',
        'PROCESSING -> SUCCESS',
      ]);
      const logIds = logs.map((l) => l.id);
      expect(logIds.every((n) => typeof n === 'number')).toBe(true);
      expect([...logIds].sort((a, b) => a - b)).toEqual(logIds);
      expect(new Set(logIds).size).toBe(logIds.length);
      expect(logs[1]).toMatchObject({
        taskId: id,
        logType: 'STATE_CHANGE',
        fromStatus: 'PENDING',
        toStatus: 'PROCESSING',
        workerId: 'w1',
        createdAt: at(1_000),
      });
      expect(logs[2]).toEqual({
        id: logIds[2],
        taskId: id,
        logType: 'INFO',
        fromStatus: null,
        toStatus: null,
        message: 'progress 50%',
        workerId: 'w1',
        retryCount: null,
        errorDetail: null,
        createdAt: at(1_500),
      });
      expect(logs[3]).toMatchObject({
        logType: 'ERROR',
        retryCount: 0,
        errorDetail: 'détail\nline 2',
        createdAt: at(1_600),
      });
      expect((await storage().getTask(id))?.status).toBe('SUCCESS');
      expect(await storage().getLogs('missing-000000')).toEqual([]);
    });

    it('lets exactly one of two racing transitions from PENDING win', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      const [first, second] = await Promise.all([
        storage().transition([assign(id, 'racer-1', at(1_000))]),
        storage().transition([assign(id, 'racer-2', at(1_000))]),
      ]);

      const winners = [first!, second!].filter((r) => r.applied.includes(id));
      const losers = [first!, second!].filter((r) => r.rejected.includes(id));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const winner = winners[0] === first ? 'racer-1' : 'racer-2';
      expect((await storage().getTask(id))?.workerId).toBe(winner);
      expect(await storage().getLogs(id)).toHaveLength(2);
    });

    it('lets exactly one of a cancel and an assignment racing on one task win', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      const results = await Promise.all([
        storage().transition([change(id, 'PENDING', 'CANCELLED', at(1_000), { completedAt: at(1_000) })]),
        storage().transition([assign(id, 'w1', at(1_000))]),
      ]);
      expect(results.flatMap((r) => r.applied)).toEqual([id]);
      const status = (await storage().getTask(id))?.status;
      expect(status === 'CANCELLED' || status === 'PROCESSING').toBe(true);
      expect(await storage().getLogs(id)).toHaveLength(2);
    });

    it('is all or nothing: a change it cannot store fails the call and none of the batch is applied', async () => {
      const [a, b, c] = await seed(storage(), [newTask(), newTask(), newTask()]);
      await assignAll(storage(), [a!.taskId, b!.taskId, c!.taskId], 'w1', at(1_000));
      const poisoned: TaskTransition = { ...complete(b!.taskId, 'w1', at(2_000)) };
      poisoned.patch = { ...poisoned.patch, result: { n: 10n } as unknown as JsonObject };
      await expect(
        storage().transition([complete(a!.taskId, 'w1', at(2_000)), poisoned, complete(c!.taskId, 'w1', at(2_000))]),
      ).rejects.toThrow();
      for (const task of [a!, b!, c!]) {
        expect((await storage().getTask(task.taskId))?.status).toBe('PROCESSING');
        expect(await storage().getLogs(task.taskId)).toHaveLength(2);
      }
    });
  });
}
