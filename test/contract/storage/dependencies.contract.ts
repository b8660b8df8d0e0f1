import { describe, expect, it } from 'vitest';
import { assignAll, at, change, complete, newTask, seed, type CurrentStorage } from './fixtures.ts';

/** DependencyStore (core/ports/storage.ts): edges written with their task, settled, reconciled. */
export function describeDependencyContract(storage: CurrentStorage): void {
  describe('dependencies', () => {
    it('writes edges with the task, in order; a task without any has none and costs no edge', async () => {
      const [a, b] = await seed(storage(), [newTask(), newTask()]);
      const dependent = newTask({ dependsOn: [b!.taskId, a!.taskId] });
      const [result] = await storage().createTasks([dependent, newTask()]);
      expect(result).toMatchObject({ created: true, waiting: true });
      const edges = await storage().getDependencies([dependent.taskId, a!.taskId]);
      expect([...edges]).toEqual([[dependent.taskId, [b!.taskId, a!.taskId]]]);
      expect((await storage().filterDependedOn([a!.taskId, b!.taskId, dependent.taskId])).sort()).toEqual(
        [a!.taskId, b!.taskId].sort(),
      );
    });

    it('an edge may name an earlier task of the same batch; one on a SUCCESS task is met at once', async () => {
      const [done] = await seed(storage(), [newTask()]);
      await assignAll(storage(), [done!.taskId], 'w1', at(100));
      await storage().transition([complete(done!.taskId, 'w1', at(200))]);
      const first = newTask();
      const second = newTask({ dependsOn: [first.taskId] });
      const free = newTask({ dependsOn: [done!.taskId] });
      const results = await storage().createTasks([first, second, free]);
      expect(results.map((r) => r.waiting ?? false)).toEqual([false, true, false]);
      const due = await storage().findDuePending(at(10_000), 100);
      expect(due.map((t) => t.taskId).sort()).toEqual([first.taskId, free.taskId].sort());
    });

    it('findDuePending leaves waiting dependents out until every dependency is SUCCESS', async () => {
      const [a, b] = await seed(storage(), [newTask(), newTask()]);
      const dependent = newTask({ dependsOn: [a!.taskId, b!.taskId] });
      await storage().createTasks([dependent]);
      const due = async () => (await storage().findDuePending(at(10_000), 100)).map((t) => t.taskId);
      expect(await due()).not.toContain(dependent.taskId);

      await assignAll(storage(), [a!.taskId, b!.taskId], 'w1', at(100));
      await storage().transition([complete(a!.taskId, 'w1', at(200))]);
      expect(await storage().settleDependencies([a!.taskId], at(250))).toEqual({ ready: [], cancelled: [] });
      expect(await due()).not.toContain(dependent.taskId);

      await storage().transition([complete(b!.taskId, 'w1', at(300))]);
      // Still running or unknown ids are ignored; a second call does nothing more.
      expect(await storage().settleDependencies([b!.taskId, 'no-such-task'], at(350))).toEqual({
        ready: [dependent.taskId],
        cancelled: [],
      });
      expect(await storage().settleDependencies([b!.taskId], at(360))).toEqual({ ready: [], cancelled: [] });
      expect(await due()).toContain(dependent.taskId);
      expect(await storage().filterDependedOn([a!.taskId, b!.taskId])).toEqual([]);
    });

    it('settling a dependency that ended otherwise cancels PENDING dependents with the log naming it', async () => {
      const [a, other] = await seed(storage(), [newTask(), newTask()]);
      const pending = newTask({ dependsOn: [a!.taskId] });
      const alreadyCancelled = newTask({ dependsOn: [a!.taskId] });
      await storage().createTasks([pending, alreadyCancelled]);
      await storage().transition([
        change(alreadyCancelled.taskId, 'PENDING', 'CANCELLED', at(50), { completedAt: at(50) }),
      ]);
      await assignAll(storage(), [a!.taskId], 'w1', at(100));
      await storage().transition([
        change(a!.taskId, 'PROCESSING', 'FAILED', at(200), { retryCount: 3, completedAt: at(200) }),
      ]);
      // A running dependency decides nothing; FAILED with retries used up is final.
      expect(await storage().settleDependencies([other!.taskId], at(250))).toEqual({ ready: [], cancelled: [] });
      const settled = await storage().settleDependencies([a!.taskId], at(300));
      expect(settled).toEqual({
        ready: [],
        cancelled: [
          { taskId: pending.taskId, taskType: 'contract.default', dependencyId: a!.taskId, status: 'FAILED' },
        ],
      });
      const task = await storage().getTask(pending.taskId);
      expect(task).toMatchObject({ status: 'CANCELLED', completedAt: at(300) });
      const logs = await storage().getLogs(pending.taskId);
      expect(logs.at(-1)).toMatchObject({
        fromStatus: 'PENDING',
        toStatus: 'CANCELLED',
        message: `Dependency ${a!.taskId} ended FAILED`,
      });
      expect(await storage().settleDependencies([a!.taskId], at(400))).toEqual({ ready: [], cancelled: [] });
    });

    it('a FAILED dependency with retries left settles nothing', async () => {
      const [a] = await seed(storage(), [newTask({ maxRetry: 3 })]);
      const dependent = newTask({ dependsOn: [a!.taskId] });
      await storage().createTasks([dependent]);
      await assignAll(storage(), [a!.taskId], 'w1', at(100));
      await storage().transition([change(a!.taskId, 'PROCESSING', 'FAILED', at(200), { retryCount: 1 })]);
      expect(await storage().settleDependencies([a!.taskId], at(300))).toEqual({ ready: [], cancelled: [] });
      expect(await storage().findUnsettledDependencies(10)).toEqual([]);
      expect((await storage().getTask(dependent.taskId))?.status).toBe('PENDING');
    });

    it('findUnsettledDependencies names finished dependencies whose edges still wait, up to the limit', async () => {
      const [a, b, c] = await seed(storage(), [newTask(), newTask(), newTask()]);
      await storage().createTasks([
        newTask({ dependsOn: [a!.taskId, b!.taskId] }),
        newTask({ dependsOn: [a!.taskId, c!.taskId] }),
      ]);
      expect(await storage().findUnsettledDependencies(10)).toEqual([]);
      await storage().transition([
        change(a!.taskId, 'PENDING', 'CANCELLED', at(100), { completedAt: at(100) }),
        change(b!.taskId, 'PENDING', 'CANCELLED', at(100), { completedAt: at(100) }),
      ]);
      expect((await storage().findUnsettledDependencies(10)).sort()).toEqual([a!.taskId, b!.taskId].sort());
      expect(await storage().findUnsettledDependencies(1)).toHaveLength(1);
      await storage().settleDependencies([a!.taskId, b!.taskId], at(200));
      expect(await storage().findUnsettledDependencies(10)).toEqual([]);
    });

    it('retention deletes a finished dependent with its edges', async () => {
      const [a] = await seed(storage(), [newTask()]);
      const dependent = newTask({ dependsOn: [a!.taskId] });
      await storage().createTasks([dependent]);
      await storage().transition([change(dependent.taskId, 'PENDING', 'CANCELLED', at(100), { completedAt: at(100) })]);
      expect(await storage().deleteFinished(['CANCELLED'], at(1_000), 10)).toBe(1);
      expect(await storage().getDependencies([dependent.taskId])).toEqual(new Map());
      expect(await storage().filterDependedOn([a!.taskId])).toEqual([]);
    });
  });
}
