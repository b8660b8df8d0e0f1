import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schedule, ScheduleStore, StoragePort, TaskTypeControlStore } from '../../core/index.ts';
import { toTaskTypeConfig } from '../../core/services/task-type-catalog.ts';

export interface ScheduleStoreUnderTest {
  schedules: ScheduleStore;
  controls: TaskTypeControlStore;
  /** The storage beside them (task types are created through it). */
  storage: StoragePort;
  cleanup(): Promise<void>;
}

const at = (iso: string) => new Date(iso);

function schedule(id: string, nextRunAt: Date | null, overrides: Partial<Schedule> = {}): Schedule {
  return {
    scheduleId: id,
    cron: '*/5 * * * *',
    timezone: 'Europe/Paris',
    task: { taskType: 'report', payload: { n: 1, nested: { ok: true } }, priority: 1, timeout: 30, maxRetry: 2 },
    enabled: true,
    nextRunAt,
    lastRunAt: null,
    createdAt: at('2026-01-01T00:00:00.000Z'),
    updatedAt: at('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

/**
 * The contract of ScheduleStore and TaskTypeControlStore (core/ports/schedule-store.ts,
 * core/ports/task-type-controls.ts). A storage plugin plugs in with one call:
 * `describeScheduleStoreContract('name', async () => ({ schedules, controls, storage, cleanup }))`,
 * `make` returning EMPTY stores before each test.
 */
export function describeScheduleStoreContract(name: string, make: () => Promise<ScheduleStoreUnderTest>): void {
  describe(`schedule store contract: ${name}`, () => {
    let current: ScheduleStoreUnderTest | undefined;
    const s = () => current!.schedules;
    const c = () => current!.controls;

    beforeEach(async () => {
      current = await make();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    it('inserts once per id and reads the schedule back field for field', async () => {
      const first = schedule('nightly', at('2026-01-01T00:05:00.000Z'));
      expect(await s().insertSchedule(first)).toBe(true);
      expect(await s().insertSchedule(schedule('nightly', null, { cron: '* * * * *' }))).toBe(false);
      expect(await s().getSchedule('nightly')).toEqual(first);
      expect(await s().getSchedule('NIGHTLY')).toBeUndefined();
      expect(await s().getSchedule('missing')).toBeUndefined();
    });

    it('lists by schedule_id with a cursor', async () => {
      for (const id of ['c', 'a', 'e', 'b', 'd']) await s().insertSchedule(schedule(id, null));
      const first = await s().listSchedules({ limit: 2 });
      expect(first.items.map((x) => x.scheduleId)).toEqual(['a', 'b']);
      const second = await s().listSchedules({ limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((x) => x.scheduleId)).toEqual(['c', 'd']);
      const third = await s().listSchedules({ limit: 2, cursor: second.nextCursor! });
      expect(third.items.map((x) => x.scheduleId)).toEqual(['e']);
      expect(third.nextCursor).toBeUndefined();
    });

    it('finds the due enabled schedules, earliest first, and the next fire time', async () => {
      await s().insertSchedule(schedule('later', at('2026-01-01T00:10:00.000Z')));
      await s().insertSchedule(schedule('due-2', at('2026-01-01T00:02:00.000Z')));
      await s().insertSchedule(schedule('due-1', at('2026-01-01T00:01:00.000Z')));
      await s().insertSchedule(schedule('paused', at('2026-01-01T00:00:30.000Z'), { enabled: false }));
      await s().insertSchedule(schedule('never', null));
      const due = await s().findDueSchedules(at('2026-01-01T00:02:00.000Z'), 10);
      expect(due.map((x) => x.scheduleId)).toEqual(['due-1', 'due-2']);
      expect((await s().findDueSchedules(at('2026-01-01T00:02:00.000Z'), 1)).map((x) => x.scheduleId)).toEqual([
        'due-1',
      ]);
      expect(await s().findNextRunAt()).toEqual(at('2026-01-01T00:01:00.000Z'));
    });

    it('advances only from the next_run_at the caller read (compare-and-set)', async () => {
      await s().insertSchedule(schedule('cas', at('2026-01-01T00:05:00.000Z')));
      const advance = {
        scheduleId: 'cas',
        expectedNextRunAt: at('2026-01-01T00:05:00.000Z'),
        nextRunAt: at('2026-01-01T00:10:00.000Z'),
        lastRunAt: at('2026-01-01T00:05:00.000Z'),
        at: at('2026-01-01T00:05:00.123Z'),
      };
      const [a, b] = await Promise.all([s().advanceSchedule(advance), s().advanceSchedule(advance)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const stored = await s().getSchedule('cas');
      expect(stored?.nextRunAt).toEqual(at('2026-01-01T00:10:00.000Z'));
      expect(stored?.lastRunAt).toEqual(at('2026-01-01T00:05:00.000Z'));
      expect(stored?.updatedAt).toEqual(at('2026-01-01T00:05:00.123Z'));
      expect(await s().advanceSchedule({ ...advance, scheduleId: 'missing' })).toBe(false);
    });

    it('pauses, resumes with a new next_run_at, and deletes', async () => {
      await s().insertSchedule(schedule('toggle', at('2026-01-01T00:05:00.000Z')));
      expect(await s().setScheduleEnabled('toggle', false, null, at('2026-01-01T00:01:00.000Z'))).toBe(true);
      expect(await s().getSchedule('toggle')).toMatchObject({ enabled: false, nextRunAt: null });
      expect(await s().findDueSchedules(at('2027-01-01T00:00:00.000Z'), 10)).toEqual([]);
      expect(
        await s().setScheduleEnabled('toggle', true, at('2026-01-01T00:20:00.000Z'), at('2026-01-01T00:02:00.000Z')),
      ).toBe(true);
      expect(await s().getSchedule('toggle')).toMatchObject({
        enabled: true,
        nextRunAt: at('2026-01-01T00:20:00.000Z'),
      });
      expect(await s().setScheduleEnabled('missing', true, null, at('2026-01-01T00:02:00.000Z'))).toBe(false);
      expect(await s().deleteSchedule('toggle')).toBe(true);
      expect(await s().deleteSchedule('toggle')).toBe(false);
      expect(await s().getSchedule('toggle')).toBeUndefined();
    });

    it('keeps task types paused and rate-limited apart from their definitions', async () => {
      const { storage } = current!;
      await storage.upsertTaskTypes([toTaskTypeConfig({ taskType: 'alpha', executorType: 'demo' })]);
      await storage.upsertTaskTypes([toTaskTypeConfig({ taskType: 'beta', executorType: 'demo' })]);
      expect(await c().listTaskTypeControls()).toEqual([]);
      expect(await c().setTaskTypePaused('alpha', true, at('2026-01-01T00:00:00.000Z'))).toBe(true);
      expect(await c().setTaskTypePaused('alpha', true, at('2026-01-01T00:00:01.000Z'))).toBe(true);
      expect(await c().setTaskTypeRateLimit('beta', { max: 5, perMs: 2_000 }, at('2026-01-01T00:00:00.000Z'))).toBe(
        true,
      );
      expect(await c().setTaskTypePaused('ghost', true, at('2026-01-01T00:00:00.000Z'))).toBe(false);
      expect(await c().setTaskTypeRateLimit('ghost', null, at('2026-01-01T00:00:00.000Z'))).toBe(false);
      // The config sync rewrites definitions: the switches stay.
      await storage.upsertTaskTypes([toTaskTypeConfig({ taskType: 'alpha', executorType: 'demo', maxConcurrent: 3 })]);
      const sorted = (await c().listTaskTypeControls()).sort((x, y) => x.taskType.localeCompare(y.taskType));
      expect(sorted).toEqual([
        { taskType: 'alpha', paused: true, rateLimit: null },
        { taskType: 'beta', paused: false, rateLimit: { max: 5, perMs: 2_000 } },
      ]);
      await c().setTaskTypePaused('alpha', false, at('2026-01-01T00:00:02.000Z'));
      await c().setTaskTypeRateLimit('beta', null, at('2026-01-01T00:00:02.000Z'));
      expect(await c().listTaskTypeControls()).toEqual([]);
    });
  });
}
