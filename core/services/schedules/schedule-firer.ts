import { ErrorCode } from '../../domain/errors.ts';
import { type Schedule, scheduledTaskId } from '../../domain/schedule.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';
import type { MetricsPort } from '../../ports/metrics.ts';
import type { ScheduleStore } from '../../ports/schedule-store.ts';
import type { CreateTaskInput } from '../tasks/create-task-input.ts';
import type { CreatedTask } from '../tasks/create-tasks.ts';
import { CronSpec } from './cron.ts';

/** Schedules fired per pass; more due ones wait for the next pass (moments later). */
const DUE_BATCH = 100;

export interface ScheduleFirerDeps {
  /** The leader's fenced view: advancing a schedule needs a valid term. */
  store: ScheduleStore;
  createTasks: (inputs: readonly CreateTaskInput[]) => Promise<CreatedTask[]>;
  clock: Clock;
  events: EventBus;
  metrics: MetricsPort;
  log: Logger;
  /** How many missed fire times a schedule fires at once after downtime (scheduler.scheduleCatchUp). */
  catchUp: () => number;
}

/**
 * The leader's schedule pass (docs/design.md#schedules). Exactly one task per fire time, even
 * across a failover: a fire creates its task under the id `<schedule_id>@<fire time>` first,
 * then moves next_run_at with a compare-and-set. A leader that dies between the two leaves
 * next_run_at where it was; its successor computes the same fire time, hence the same id,
 * and finds the task there instead of creating a second one.
 */
export class ScheduleFirer {
  constructor(private readonly deps: ScheduleFirerDeps) {}

  /** Fires every due schedule; returns how many tasks were created. */
  async fireDue(): Promise<number> {
    const { store, clock, log } = this.deps;
    const now = clock.now();
    const due = await store.findDueSchedules(now, DUE_BATCH);
    let created = 0;
    for (const schedule of due) {
      try {
        created += await this.fire(schedule, now);
      } catch (error) {
        if (error instanceof Error && error.name === 'LeadershipLostError') throw error;
        log.error({ err: error, scheduleId: schedule.scheduleId }, 'schedule fire failed; retried on the next pass');
      }
    }
    return created;
  }

  /** The earliest next_run_at of an enabled schedule (the leader sleeps until then). */
  nextRunAt(): Promise<Date | null> {
    return this.deps.store.findNextRunAt();
  }

  private async fire(schedule: Schedule, now: Date): Promise<number> {
    const { store, createTasks, events, metrics, log } = this.deps;
    if (!schedule.nextRunAt) return 0;
    const spec = CronSpec.parse(schedule.cron, schedule.timezone);
    const { due, skipped, next } = spec.dueSince(schedule.nextRunAt, now, Math.max(1, this.deps.catchUp()));
    const { task } = schedule;
    const inputs: CreateTaskInput[] = due.map((fireAt) => ({
      taskType: task.taskType,
      payload: task.payload,
      ...(task.priority !== undefined ? { priority: task.priority } : {}),
      ...(task.timeout !== undefined ? { timeout: task.timeout } : {}),
      ...(task.maxRetry !== undefined ? { maxRetry: task.maxRetry } : {}),
      idempotencyKey: scheduledTaskId(schedule.scheduleId, fireAt),
      firedBySchedule: true,
    }));
    let results: CreatedTask[] = [];
    try {
      results = await createTasks(inputs);
    } catch (error) {
      // The template no longer fits (its type was removed or disabled): those fire times are
      // lost, said once, and the schedule moves on instead of failing every pass.
      const code = (error as { code?: unknown }).code;
      if (code !== ErrorCode.UNKNOWN_TASK_TYPE && code !== ErrorCode.INVALID_PARAMETER) throw error;
      metrics.recordScheduleFires?.(schedule.scheduleId, 'failed', inputs.length);
      log.error(
        { scheduleId: schedule.scheduleId, err: error },
        `schedule "${schedule.scheduleId}" could not create its task: ${(error as Error).message}`,
      );
    }
    const advanced = await store.advanceSchedule({
      scheduleId: schedule.scheduleId,
      expectedNextRunAt: schedule.nextRunAt,
      nextRunAt: next,
      lastRunAt: due.at(-1) ?? schedule.nextRunAt,
      at: now,
    });
    if (skipped > 0) {
      metrics.recordScheduleFires?.(schedule.scheduleId, 'skipped', skipped);
      log.warn(
        { scheduleId: schedule.scheduleId, skipped, fired: due.length },
        'schedule missed fire times while no leader ran; only the newest were fired (scheduler.scheduleCatchUp)',
      );
    }
    let created = 0;
    for (const [i, result] of results.entries()) {
      if (result.created) created++;
      events.emit('schedule_fired', {
        scheduleId: schedule.scheduleId,
        taskId: result.task.taskId,
        taskType: result.task.taskType,
        fireAt: due[i]!.toISOString(),
        created: result.created,
      });
    }
    if (created > 0) metrics.recordScheduleFires?.(schedule.scheduleId, 'created', created);
    if (!advanced) log.info({ scheduleId: schedule.scheduleId }, 'schedule moved by someone else while firing');
    return created;
  }
}
