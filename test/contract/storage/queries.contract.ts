import { describe, expect, it } from 'vitest';
import { assignAll, at, change, complete, ids, newTask, seed, sortedIds, type CurrentStorage } from './fixtures.ts';

export function describeQueryContract(storage: CurrentStorage): void {
  describe('scheduler queries', () => {
    it('findDuePending: PENDING with scheduledAt <= dueBefore, oldest scheduled first, limited', async () => {
      const t = await seed(storage(), [
        newTask({ scheduledAt: at(3_000) }),
        newTask({ scheduledAt: at(1_000) }),
        newTask({ scheduledAt: at(10_000) }), // exactly at dueBefore: due
        newTask({ scheduledAt: at(10_001) }), // not yet
        newTask({ scheduledAt: at(2_000) }),
        newTask({ scheduledAt: at(500) }), // due, but taken below
      ]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(5)], 'w1', at(600));

      expect(ids(await storage().findDuePending(at(10_000), 100))).toEqual([id(1), id(4), id(0), id(2)]);
      expect(ids(await storage().findDuePending(at(10_000), 2))).toEqual([id(1), id(4)]);
      expect(ids(await storage().findDuePending(at(999), 100))).toEqual([]);
      expect(ids(await storage().findDuePending(at(20_000), 100))).toEqual([id(1), id(4), id(0), id(2), id(3)]);
    });

    it('findDuePending follows tasks in and out of PENDING and their new scheduledAt', async () => {
      const t = await seed(storage(), [
        newTask({ scheduledAt: at(1_000) }),
        newTask({ scheduledAt: at(2_000) }),
        newTask({ scheduledAt: at(3_000) }),
      ]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(0), id(1)], 'w1', at(4_000));
      expect(ids(await storage().findDuePending(at(10_000), 10))).toEqual([id(2)]);

      // A retry pushes task 0 later than task 2; a recovery puts task 1 back as it was scheduled.
      await storage().transition([
        {
          ...change(id(0), 'PROCESSING', 'PENDING', at(5_000), {
            scheduledAt: at(9_000),
            workerId: null,
            startedAt: null,
            retryCount: 1,
          }),
          via: 'FAILED',
        },
        change(id(1), 'PROCESSING', 'PENDING', at(5_000), { workerId: null, startedAt: null }),
      ]);
      expect(ids(await storage().findDuePending(at(10_000), 10))).toEqual([id(1), id(2), id(0)]);
      expect(ids(await storage().findDuePending(at(8_999), 10))).toEqual([id(1), id(2)]);

      await storage().transition([change(id(2), 'PENDING', 'CANCELLED', at(6_000), { completedAt: at(6_000) })]);
      expect(ids(await storage().findDuePending(at(10_000), 10))).toEqual([id(1), id(0)]);
    });

    it('findTimedOut: PROCESSING whose startedAt + timeout is before now', async () => {
      const t = await seed(storage(), [
        newTask({ timeout: 10 }),
        newTask({ timeout: 10 }),
        newTask({ timeout: 60 }),
        newTask({ timeout: 1 }),
        newTask({ timeout: 1 }),
      ]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(0), id(2), id(3)], 'w1', at(0));
      await assignAll(storage(), [id(1)], 'w2', at(5_000));
      await storage().transition([complete(id(3), 'w1', at(500))]);
      // id(4) stays PENDING.

      expect(ids(await storage().findTimedOut(at(10_000), 10))).toEqual([]); // deadline reached, not passed
      expect(ids(await storage().findTimedOut(at(10_001), 10))).toEqual([id(0)]);
      expect(sortedIds(await storage().findTimedOut(at(15_001), 10))).toEqual([id(0), id(1)].sort());
      expect(await storage().findTimedOut(at(15_001), 1)).toHaveLength(1);
      expect(sortedIds(await storage().findTimedOut(at(100_000), 10))).toEqual([id(0), id(1), id(2)].sort());
    });

    it('findProcessingByWorker: only PROCESSING tasks of that worker, limited', async () => {
      const t = await seed(storage(), [newTask(), newTask(), newTask(), newTask(), newTask()]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(0), id(1), id(2)], 'w1', at(1_000));
      await assignAll(storage(), [id(3)], 'w2', at(1_000));
      await storage().transition([complete(id(2), 'w1', at(2_000))]);

      expect(sortedIds(await storage().findProcessingByWorker('w1', 10))).toEqual([id(0), id(1)].sort());
      expect(ids(await storage().findProcessingByWorker('w2', 10))).toEqual([id(3)]);
      expect(await storage().findProcessingByWorker('w1', 1)).toHaveLength(1);
      expect(await storage().findProcessingByWorker('nobody', 10)).toEqual([]);
    });

    it('countProcessingByType follows assignments and completions', async () => {
      const t = await seed(storage(), [
        newTask({ taskType: 'count.a' }),
        newTask({ taskType: 'count.a' }),
        newTask({ taskType: 'count.a' }),
        newTask({ taskType: 'count.b' }),
      ]);
      const id = (i: number) => t[i]!.taskId;
      expect((await storage().countProcessingByType()).size).toBe(0);

      await assignAll(storage(), [id(0), id(1), id(3)], 'w1', at(1_000));
      let counts = await storage().countProcessingByType();
      expect(counts.get('count.a')).toBe(2);
      expect(counts.get('count.b')).toBe(1);

      await storage().transition([complete(id(0), 'w1', at(2_000)), complete(id(3), 'w1', at(2_000))]);
      counts = await storage().countProcessingByType();
      expect(counts.get('count.a')).toBe(1);
      // A type with nothing PROCESSING may be absent or 0.
      expect(counts.get('count.b') ?? 0).toBe(0);
    });

    it('countByStatus returns all six statuses after transitions', async () => {
      const t = await seed(storage(), [newTask(), newTask(), newTask(), newTask(), newTask(), newTask()]);
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(0), id(1), id(2), id(3)], 'w1', at(1_000));
      await storage().transition([
        complete(id(0), 'w1', at(2_000)),
        change(id(1), 'PROCESSING', 'FAILED', at(2_000), { errorMsg: 'x' }),
        change(id(2), 'PROCESSING', 'TIMEOUT', at(2_000)),
        change(id(4), 'PENDING', 'CANCELLED', at(2_000)),
      ]);

      expect(await storage().countByStatus()).toEqual({
        PENDING: 1,
        PROCESSING: 1,
        SUCCESS: 1,
        FAILED: 1,
        TIMEOUT: 1,
        CANCELLED: 1,
      });
    });

    it('deleteFinished: oldest finished tasks of the given statuses, with their logs, up to the limit', async () => {
      const t = await seed(
        storage(),
        Array.from({ length: 7 }, () => newTask()),
      );
      const id = (i: number) => t[i]!.taskId;
      await assignAll(storage(), [id(0), id(1), id(2), id(3), id(4)], 'w1', at(100));
      await storage().transition([
        complete(id(0), 'w1', at(3_000)),
        complete(id(1), 'w1', at(1_000)),
        complete(id(2), 'w1', at(2_000)),
      ]);
      await storage().transition([
        change(id(3), 'PROCESSING', 'FAILED', at(1_500), { completedAt: at(1_500), errorMsg: 'x' }),
      ]);
      await storage().transition([change(id(5), 'PENDING', 'CANCELLED', at(500), { completedAt: at(500) })]);
      // id(4) stays PROCESSING and id(6) PENDING: never deleted.

      expect(await storage().deleteFinished(['SUCCESS'], at(2_500), 1)).toBe(1);
      expect(await storage().getTask(id(1))).toBeUndefined();
      expect(await storage().getLogs(id(1))).toEqual([]);
      expect(await storage().deleteFinished(['SUCCESS'], at(2_500), 10)).toBe(1);
      expect(await storage().getTask(id(2))).toBeUndefined();
      expect((await storage().getTask(id(0)))?.status).toBe('SUCCESS');

      // A FAILED task retried by hand is PENDING again: not finished any more.
      await storage().transition([change(id(3), 'FAILED', 'PENDING', at(1_600), { completedAt: null })]);
      expect(await storage().deleteFinished(['FAILED', 'TIMEOUT'], at(10_000), 10)).toBe(0);
      expect(await storage().deleteFinished(['CANCELLED'], at(10_000), 10)).toBe(1);

      const counts = await storage().countByStatus();
      expect(counts).toMatchObject({ SUCCESS: 1, PENDING: 2, PROCESSING: 1, CANCELLED: 0, FAILED: 0 });
      expect(sortedIds((await storage().listTasks({}, { limit: 100 })).items)).toEqual(
        [id(0), id(3), id(4), id(6)].sort(),
      );
      expect(await storage().getLogs(id(0))).not.toEqual([]);
    });
  });
}
