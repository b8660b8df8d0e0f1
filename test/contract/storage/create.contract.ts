import { describe, expect, it } from 'vitest';
import { ALL_STATUSES, LogMessage, MAX_JSON_DEPTH, type JsonObject, type JsonValue } from '../../../core/index.ts';
import { EARLIEST_TIME } from '../../../core/services/tasks/create-task-input.ts';
import { assign, at, ids, newTask, seed, sortedIds, T0, type CurrentStorage } from './fixtures.ts';

export function describeCreateContract(storage: CurrentStorage): void {
  describe('create and read', () => {
    it('ping resolves', async () => {
      await expect(storage().ping()).resolves.toBeUndefined();
    });

    it('starts empty: countByStatus has all six statuses at 0', async () => {
      const counts = await storage().countByStatus();
      expect(counts).toEqual(Object.fromEntries(ALL_STATUSES.map((s) => [s, 0])));
    });

    it('inserts a PENDING task with defaults and its first log in one call', async () => {
      const input = newTask({
        taskType: 'contract.create',
        priority: 1,
        maxRetry: 5,
        timeout: 30,
        scheduledAt: at(5_000),
        createdAt: at(1_234),
      });
      const [result] = await storage().createTasks([input]);

      expect(result?.created).toBe(true);
      const expected = {
        taskId: input.taskId,
        taskType: 'contract.create',
        priority: 1,
        status: 'PENDING',
        payload: { n: 1 },
        result: null,
        errorMsg: null,
        retryCount: 0,
        maxRetry: 5,
        timeout: 30,
        workerId: null,
        scheduledAt: at(5_000),
        startedAt: null,
        completedAt: null,
        createdAt: at(1_234),
        updatedAt: at(1_234),
        progress: null,
        traceParent: null,
      };
      expect(result?.task).toEqual(expected);
      expect(await storage().getTask(input.taskId)).toEqual(expected);

      const logs = await storage().getLogs(input.taskId);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toEqual({
        id: expect.any(Number),
        taskId: input.taskId,
        logType: 'STATE_CHANGE',
        fromStatus: null,
        toStatus: 'PENDING',
        message: LogMessage.created,
        workerId: null,
        retryCount: 0,
        errorDetail: null,
        createdAt: at(1_234),
      });
    });

    it('keeps the trace parent a create wrote, through reads and status changes', async () => {
      const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const traced = newTask({ traceParent });
      const plain = newTask();
      const [created] = await storage().createTasks([traced, plain]);
      expect(created?.task.traceParent).toBe(traceParent);
      expect((await storage().getTask(traced.taskId))?.traceParent).toBe(traceParent);
      expect((await storage().getTask(plain.taskId))?.traceParent).toBeNull();

      await storage().transition([assign(traced.taskId, 'w1', at(2_000))]);
      const [read] = await storage().getTasks([traced.taskId]);
      expect(read).toMatchObject({ status: 'PROCESSING', traceParent });
    });

    it('is idempotent on task id: a second create returns the stored task and writes nothing', async () => {
      const original = newTask({ payload: { version: 1 } });
      await seed(storage(), [original]);

      const [again] = await storage().createTasks([
        { ...original, payload: { version: 2 }, priority: 1, createdAt: at(60_000) },
      ]);

      expect(again?.created).toBe(false);
      expect(again?.task.payload).toEqual({ version: 1 });
      expect(again?.task.priority).toBe(0);
      expect(again?.task.createdAt).toEqual(T0);
      expect(await storage().getLogs(original.taskId)).toHaveLength(1);
      expect((await storage().countByStatus()).PENDING).toBe(1);
    });

    it('inside one batch, the first of duplicate ids wins and the later ones are not created', async () => {
      const first = newTask({ payload: { which: 'first' } });
      const other = newTask();
      const results = await storage().createTasks([first, { ...first, payload: { which: 'second' } }, other]);

      expect(results.map((r) => r.created)).toEqual([true, false, true]);
      expect(results[1]?.task.taskId).toBe(first.taskId);
      expect(results[1]?.task.payload).toEqual({ which: 'first' });
      expect((await storage().getTask(first.taskId))?.payload).toEqual({ which: 'first' });
      expect(await storage().getLogs(first.taskId)).toHaveLength(1);

      const replay = await storage().createTasks([first, other]);
      expect(replay.map((r) => r.created)).toEqual([false, false]);
      expect((await storage().countByStatus()).PENDING).toBe(2);
    });

    it('creates 500 tasks in one call, each with its first log', async () => {
      const inputs = Array.from({ length: 500 }, (_, i) =>
        newTask({ payload: { i }, createdAt: at(i), scheduledAt: at(i) }),
      );
      const results = await storage().createTasks(inputs);

      expect(results).toHaveLength(500);
      expect(results.every((r) => r.created)).toBe(true);
      expect(ids(results.map((r) => r.task))).toEqual(ids(inputs));
      expect((await storage().countByStatus()).PENDING).toBe(500);
      const stored = await storage().getTasks(ids(inputs));
      expect(sortedIds(stored)).toEqual(sortedIds(inputs));
      const byId = new Map(stored.map((t) => [t.taskId, t]));
      expect(byId.get(inputs[499]!.taskId)?.payload).toEqual({ i: 499 });
      for (const sample of [inputs[0]!, inputs[250]!, inputs[499]!]) {
        const logs = await storage().getLogs(sample.taskId);
        expect(logs.map((l) => l.message)).toEqual([LogMessage.created]);
      }
    });

    it('getTask of a missing id is undefined; getTasks leaves missing ids out', async () => {
      const [a, b] = await seed(storage(), [newTask(), newTask()]);
      expect(await storage().getTask('missing-000000')).toBeUndefined();
      expect(await storage().getTasks([])).toEqual([]);

      const found = await storage().getTasks([a!.taskId, 'missing-000000', b!.taskId]);
      expect(sortedIds(found)).toEqual(sortedIds([a!, b!]));
      expect(found.find((t) => t.taskId === a!.taskId)).toEqual(a);
    });

    it('round-trips payload JSON: unicode, nesting, arrays, null, numbers, empty containers', async () => {
      const payload: JsonObject = {
        text: 'héllo wörld — 世界 🚀 ‘quotes’ "double" \\ back\nslash',
        'clé-ü': 'unicode key',
        nested: { arr: [1, 2.5, -3, true, false, null, 'x', { deep: { deeper: ['y'] } }], empty: {}, emptyArr: [] },
        nothing: null,
        big: 9_007_199_254_740_991,
      };
      const withPayload = newTask({ payload });
      const empty = newTask({ payload: {} });
      await seed(storage(), [withPayload, empty]);

      expect((await storage().getTask(withPayload.taskId))?.payload).toEqual(payload);
      expect((await storage().getTask(empty.taskId))?.payload).toEqual({});
    });

    it('returns objects detached from stored state', async () => {
      const input = newTask({ payload: { list: [1, 2], inner: { k: 'v' } } });
      await seed(storage(), [input]);

      const copy = await storage().getTask(input.taskId);
      // Either a copy or frozen: a mutation must not reach storage (frozen objects throw here).
      try {
        (copy!.payload.list as number[]).push(3);
        (copy!.payload.inner as JsonObject).k = 'changed';
        (copy as { status: string }).status = 'SUCCESS';
      } catch {
        /* frozen: equally fine */
      }
      copy!.createdAt.setTime(0);
      copy!.scheduledAt.setTime(0);
      const logs = await storage().getLogs(input.taskId);
      logs[0]!.createdAt.setTime(0);

      const fresh = await storage().getTask(input.taskId);
      expect(fresh?.payload).toEqual({ list: [1, 2], inner: { k: 'v' } });
      expect(fresh?.status).toBe('PENDING');
      expect(fresh?.createdAt).toEqual(T0);
      expect(fresh?.scheduledAt).toEqual(T0);
      expect((await storage().getLogs(input.taskId))[0]?.createdAt).toEqual(T0);
    });

    it('keeps the caller from mutating stored state through the objects it passed in', async () => {
      const payload: JsonObject = { k: 'v' };
      const createdAt = at(10);
      const input = newTask({ payload, createdAt });
      await seed(storage(), [input]);
      payload.k = 'changed';
      createdAt.setTime(0);

      const stored = await storage().getTask(input.taskId);
      expect(stored?.payload).toEqual({ k: 'v' });
      expect(stored?.createdAt).toEqual(at(10));
    });

    it('is all or nothing: a task it cannot store fails the call and none of the batch is stored', async () => {
      const good = newTask();
      // JSON has no bigint: no storage can write this payload.
      const poisoned = newTask({ payload: { n: 10n } as unknown as JsonObject });
      const after = newTask();
      await expect(storage().createTasks([good, poisoned, after])).rejects.toThrow();
      expect(await storage().getTasks([good.taskId, poisoned.taskId, after.taskId])).toEqual([]);
      expect(await storage().getLogs(good.taskId)).toEqual([]);
      expect((await storage().countByStatus()).PENDING).toBe(0);
    });

    it('holds JSON at the documented depth limit and any well-formed Unicode, exactly', async () => {
      let deep: JsonValue = ['😀 \u0000 \\ "q" ünïcödé 𝄞'];
      for (let i = 1; i < MAX_JSON_DEPTH - 1; i++) deep = i % 2 === 0 ? [deep] : { level: deep };
      const payload: JsonObject = { deep, '键 🔑': 'значение' };
      const input = newTask({ payload, scheduledAt: EARLIEST_TIME });
      await seed(storage(), [input]);
      const stored = await storage().getTask(input.taskId);
      expect(stored?.payload).toEqual(payload);
      expect(stored?.scheduledAt).toEqual(EARLIEST_TIME);
    });
  });
}
