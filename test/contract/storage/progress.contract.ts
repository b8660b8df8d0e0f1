import { describe, expect, it } from 'vitest';
import type { ProgressUpdate } from '../../../core/index.ts';
import { assignAll, at, change, complete, newTask, seed, type CurrentStorage } from './fixtures.ts';

function update(taskId: string, fields: Partial<ProgressUpdate> = {}): ProgressUpdate {
  return { taskId, workerId: 'w1', startedAt: at(1_000), percent: 40, message: 'reading', at: at(1_500), ...fields };
}

export function describeProgressContract(storage: CurrentStorage): void {
  describe('progress', () => {
    it('a new task has none; a running attempt writes its progress without touching updated_at', async () => {
      const [task] = await seed(storage(), [newTask()]);
      const id = task!.taskId;
      expect(task?.progress).toBeNull();
      await assignAll(storage(), [id], 'w1', at(1_000));

      expect(await storage().writeProgress([update(id, { percent: 40, message: 'reading ✓', at: at(1_500) })])).toEqual(
        [id],
      );
      expect(await storage().getTask(id)).toMatchObject({
        status: 'PROCESSING',
        updatedAt: at(1_000),
        progress: { percent: 40, message: 'reading ✓', updatedAt: at(1_500) },
      });
      const [listed] = (await storage().getTasks([id])) ?? [];
      expect(listed?.progress).toEqual({ percent: 40, message: 'reading ✓', updatedAt: at(1_500) });
    });

    it('writes a batch in one call, the last update of a task winning, and a null message', async () => {
      const tasks = await seed(storage(), [newTask(), newTask()]);
      const [a, b] = tasks.map((t) => t.taskId) as [string, string];
      await assignAll(storage(), [a, b], 'w1', at(1_000));
      const written = await storage().writeProgress([
        update(a, { percent: 10, at: at(1_100) }),
        update(b, { percent: 70, message: null, at: at(1_200) }),
        update(a, { percent: 20, at: at(1_300) }),
      ]);
      expect([...written].sort()).toEqual([a, b].sort());
      expect((await storage().getTask(a))?.progress).toEqual({ percent: 20, message: 'reading', updatedAt: at(1_300) });
      expect((await storage().getTask(b))?.progress).toEqual({ percent: 70, message: null, updatedAt: at(1_200) });
    });

    it('writes nothing for another attempt: other worker, other started_at, not PROCESSING, unknown id', async () => {
      const tasks = await seed(storage(), [newTask(), newTask()]);
      const [running, pending] = tasks.map((t) => t.taskId) as [string, string];
      await assignAll(storage(), [running], 'w1', at(1_000));
      const written = await storage().writeProgress([
        update(running, { workerId: 'w2' }),
        update(running, { startedAt: at(999) }),
        update(pending),
        update('no-such-task'),
      ]);
      expect(written).toEqual([]);
      expect((await storage().getTask(running))?.progress).toBeNull();
      expect((await storage().getTask(pending))?.progress).toBeNull();
    });

    it('keeps the last progress when the task ends, refuses writes after that, and clears it back to PENDING', async () => {
      const tasks = await seed(storage(), [newTask(), newTask()]);
      const [done, retried] = tasks.map((t) => t.taskId) as [string, string];
      await assignAll(storage(), [done, retried], 'w1', at(1_000));
      await storage().writeProgress([update(done, { percent: 100 }), update(retried, { percent: 60 })]);

      await storage().transition([
        complete(done, 'w1', at(2_000)),
        change(
          retried,
          'PROCESSING',
          'PENDING',
          at(2_000),
          { workerId: null, startedAt: null, retryCount: 1 },
          { via: 'FAILED', expectedWorkerId: 'w1' },
        ),
      ]);
      expect((await storage().getTask(done))?.progress).toMatchObject({ percent: 100 });
      expect((await storage().getTask(retried))?.progress).toBeNull();

      expect(await storage().writeProgress([update(done, { percent: 5 })])).toEqual([]);
      expect((await storage().getTask(done))?.progress).toMatchObject({ percent: 100 });
    });

    it('an empty batch is a no-op', async () => {
      expect(await storage().writeProgress([])).toEqual([]);
    });
  });
}
