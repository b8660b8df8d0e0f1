/**
 * Schedules fired by the leader (docs/design.md#schedules) on the embedded plugins: one task per
 * fire time, a catch-up run after downtime, and a fire repeated after a failover that finds
 * its task instead of creating a second one. The clock is fake where exact fire times matter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scheduledTaskId, type TaskManager } from '../../core/index.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { memoryApp, waitForStatus } from '../helpers/memory-app.ts';
import { waitFor } from '../helpers/wait.ts';

let app: TaskManager | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Leases that a fake clock moved by minutes never expires; the schedule loop left to the test. */
const STEADY = {
  scheduler: { leaderLockTtl: '1d', leaderRenewInterval: '1h', schedulePollInterval: '1h' },
  worker: { heartbeatTimeout: '1d', heartbeatInterval: '1h' },
};

async function firedIds(manager: TaskManager, scheduleId: string): Promise<string[]> {
  const page = await manager.services.tasks.list({}, { limit: 1000 });
  return page.items
    .map((t) => t.taskId)
    .filter((id) => id.startsWith(`${scheduleId}@`))
    .sort();
}

async function startFake(clock: FakeClock, catchUp = 1): Promise<TaskManager> {
  const manager = await memoryApp({
    handlers: { report: () => null },
    clock,
    config: { ...STEADY, scheduler: { ...STEADY.scheduler, scheduleCatchUp: catchUp } },
  });
  await manager.start();
  await expect.poll(() => manager.scheduler?.isLeader).toBe(true);
  return manager;
}

describe('schedules', () => {
  it('fires one task per fire time, with the fire time in its id', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await startFake(clock);
    const fired: { taskId: string; created: boolean }[] = [];
    app.events.on('schedule_fired', (e) => void fired.push({ taskId: e.taskId, created: e.created }));
    const schedule = await app.services.schedules.create({
      scheduleId: 'every5s',
      cron: '*/5 * * * * *',
      task: { taskType: 'report', payload: { n: 1 } },
    });
    expect(schedule.nextRunAt).toEqual(new Date('2026-01-01T00:00:05.000Z'));

    clock.advance(5_000);
    await app.scheduler!.fireSchedules();
    await app.scheduler!.fireSchedules();
    expect(await firedIds(app, 'every5s')).toEqual(['every5s@2026-01-01T00:00:05.000Z']);
    const task = await app.services.tasks.get('every5s@2026-01-01T00:00:05.000Z');
    expect(task.payload).toEqual({ n: 1 });
    expect(fired).toEqual([{ taskId: 'every5s@2026-01-01T00:00:05.000Z', created: true }]);
    const after = await app.services.schedules.get('every5s');
    expect(after.nextRunAt).toEqual(new Date('2026-01-01T00:00:10.000Z'));
    expect(after.lastRunAt).toEqual(new Date('2026-01-01T00:00:05.000Z'));
  });

  it('after downtime fires one catch-up run by default, the newest missed fire time', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await startFake(clock);
    await app.services.schedules.create({ scheduleId: 'minutely', cron: '* * * * *', task: { taskType: 'report' } });
    clock.advance(10 * 60_000 + 30_000);
    await app.scheduler!.fireSchedules();
    expect(await firedIds(app, 'minutely')).toEqual(['minutely@2026-01-01T00:10:00.000Z']);
    expect((await app.services.schedules.get('minutely')).nextRunAt).toEqual(new Date('2026-01-01T00:11:00.000Z'));
  });

  it('fires up to scheduler.scheduleCatchUp missed fire times when configured', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await startFake(clock, 3);
    await app.services.schedules.create({ scheduleId: 'minutely', cron: '* * * * *', task: { taskType: 'report' } });
    clock.advance(10 * 60_000);
    await app.scheduler!.fireSchedules();
    expect(await firedIds(app, 'minutely')).toEqual([
      'minutely@2026-01-01T00:08:00.000Z',
      'minutely@2026-01-01T00:09:00.000Z',
      'minutely@2026-01-01T00:10:00.000Z',
    ]);
  });

  it('a fire repeated after a failover finds the task its predecessor created', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await startFake(clock);
    const fired: boolean[] = [];
    app.events.on('schedule_fired', (e) => void fired.push(e.created));
    await app.services.schedules.create({ scheduleId: 'hourly', cron: '0 * * * *', task: { taskType: 'report' } });
    clock.advance(3_600_000);
    // The dead leader's half of the fire: the task exists, next_run_at did not move.
    const fireAt = new Date('2026-01-01T01:00:00.000Z');
    await app.services.tasks.createMany([
      { taskType: 'report', payload: {}, idempotencyKey: scheduledTaskId('hourly', fireAt), firedBySchedule: true },
    ]);
    expect((await app.services.schedules.get('hourly')).nextRunAt).toEqual(fireAt);
    // A late successor.
    clock.advance(10 * 60_000);
    expect(await app.scheduler!.fireSchedules()).toBe(0);
    expect(await firedIds(app, 'hourly')).toEqual(['hourly@2026-01-01T01:00:00.000Z']);
    expect(fired).toEqual([false]);
    expect((await app.services.schedules.get('hourly')).nextRunAt).toEqual(new Date('2026-01-01T02:00:00.000Z'));
  });

  it('does not fire a paused schedule, nor catch up its paused time on resume', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await startFake(clock);
    await app.services.schedules.create({ scheduleId: 'quiet', cron: '* * * * *', task: { taskType: 'report' } });
    await app.services.schedules.pause('quiet');
    clock.advance(5 * 60_000);
    await app.scheduler!.fireSchedules();
    expect(await firedIds(app, 'quiet')).toEqual([]);
    const resumed = await app.services.schedules.resume('quiet');
    expect(resumed.nextRunAt).toEqual(new Date('2026-01-01T00:06:00.000Z'));
  });

  it('runs a fired task to SUCCESS on the real clock, the leader waking for the fire time', async () => {
    app = await memoryApp({ handlers: { report: (payload) => ({ got: payload }) } });
    await app.start();
    await app.services.schedules.create({
      scheduleId: 'secondly',
      cron: '* * * * * *',
      task: { taskType: 'report', payload: { hello: 'cron' } },
    });
    const first = await waitFor(async () => (await firedIds(app!, 'secondly'))[0], { message: 'a fired task' });
    const done = await waitForStatus(app, first, ['SUCCESS']);
    expect(done.result).toEqual({ got: { hello: 'cron' } });
    await app.services.schedules.delete('secondly');
  });
});
