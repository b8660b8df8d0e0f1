import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../../config/tokens.ts';
import { ErrorCode, InvalidParameterError, TaskManagerError } from '../../domain/errors.ts';
import { isJsonObject, type JsonObject } from '../../domain/json.ts';
import { SCHEDULE_ID_PATTERN, type Schedule, type ScheduledTaskTemplate } from '../../domain/schedule.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { ScheduleStore } from '../../ports/schedule-store.ts';
import type { Page, PageRequest } from '../../ports/storage.ts';
import { buildNewTask } from '../tasks/create-task-input.ts';
import { TaskTypeCatalog } from '../task-type-catalog.ts';
import { CronSpec } from './cron.ts';

export interface CreateScheduleInput {
  scheduleId?: string;
  cron: string;
  /** IANA name; UTC when left out. */
  timezone?: string;
  task: {
    taskType: string;
    payload?: JsonObject;
    priority?: number;
    timeout?: number;
    maxRetry?: number;
  };
  /** false creates it paused. */
  enabled?: boolean;
}

/** The schedule use cases behind the API (docs/api.md, "Schedules"); the leader fires them (schedule-firer.ts). */
@injectable()
export class ScheduleService {
  constructor(
    @inject(TOKENS.ScheduleStore) private readonly store: ScheduleStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.IdGenerator) private readonly newId: IdGenerator,
    @inject(TaskTypeCatalog) private readonly types: TaskTypeCatalog,
  ) {}

  /** Validates everything first; 40901 when the schedule_id is taken. */
  async create(input: CreateScheduleInput): Promise<Schedule> {
    const scheduleId = input.scheduleId ?? this.newId();
    if (!SCHEDULE_ID_PATTERN.test(scheduleId) || /^\.{1,2}$/.test(scheduleId)) {
      throw new InvalidParameterError(
        'invalid parameter schedule_id: 1–39 characters of [A-Za-z0-9_.:-], other than "." and ".."',
        { field: 'schedule_id' },
      );
    }
    const timezone = input.timezone ?? 'UTC';
    const spec = CronSpec.parse(input.cron, timezone);
    const task = await this.template(input.task);
    const now = this.clock.now();
    const enabled = input.enabled ?? true;
    const schedule: Schedule = {
      scheduleId,
      cron: input.cron.trim().split(/\s+/).join(' '),
      timezone,
      task,
      enabled,
      nextRunAt: enabled ? spec.next(now) : null,
      lastRunAt: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.store.insertSchedule(schedule))) {
      throw new TaskManagerError(ErrorCode.INVALID_STATE, `schedule "${scheduleId}" already exists`, {
        schedule_id: scheduleId,
      });
    }
    return schedule;
  }

  async get(scheduleId: string): Promise<Schedule> {
    const schedule = await this.store.getSchedule(scheduleId);
    if (!schedule) throw notFound(scheduleId);
    return schedule;
  }

  list(page: PageRequest): Promise<Page<Schedule>> {
    return this.store.listSchedules(page);
  }

  /** Every schedule, by schedule_id (an operator's list: read page after page). */
  async listAll(): Promise<Schedule[]> {
    const all: Schedule[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listSchedules({ limit: 1_000, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async delete(scheduleId: string): Promise<void> {
    if (!(await this.store.deleteSchedule(scheduleId))) throw notFound(scheduleId);
  }

  /** Stops firing; fire times passed while paused are not caught up on resume. */
  async pause(scheduleId: string): Promise<Schedule> {
    await this.get(scheduleId);
    if (!(await this.store.setScheduleEnabled(scheduleId, false, null, this.clock.now()))) throw notFound(scheduleId);
    return this.get(scheduleId);
  }

  /** Fires again from the next fire time after now. */
  async resume(scheduleId: string): Promise<Schedule> {
    const schedule = await this.get(scheduleId);
    const now = this.clock.now();
    const next = CronSpec.parse(schedule.cron, schedule.timezone).next(now);
    if (!(await this.store.setScheduleEnabled(scheduleId, true, next, now))) throw notFound(scheduleId);
    return this.get(scheduleId);
  }

  /** The task a fire creates, checked now as a create would be (a bad template fails here, not at each fire). */
  private async template(task: CreateScheduleInput['task'] | undefined): Promise<ScheduledTaskTemplate> {
    if (task === undefined || typeof task !== 'object' || task === null) {
      throw new InvalidParameterError('invalid parameter task: is required', { field: 'task' });
    }
    if (typeof task.taskType !== 'string' || task.taskType.length === 0) {
      throw new InvalidParameterError('invalid parameter task.task_type: is required', { field: 'task.task_type' });
    }
    const type = await this.types.requireEnabled(task.taskType);
    const payload = task.payload ?? {};
    if (!isJsonObject(payload)) {
      throw new InvalidParameterError('invalid parameter task.payload: must be a JSON object', {
        field: 'task.payload',
      });
    }
    const checked = {
      taskType: task.taskType,
      payload,
      priority: task.priority,
      timeout: task.timeout,
      maxRetry: task.maxRetry,
    };
    buildNewTask(checked, type, this.clock.now(), () => 'check', 'task');
    return Object.fromEntries(
      Object.entries(checked).filter(([, v]) => v !== undefined),
    ) as unknown as ScheduledTaskTemplate;
  }
}

function notFound(scheduleId: string): TaskManagerError {
  return new TaskManagerError(ErrorCode.NOT_FOUND, `schedule "${scheduleId}" not found`, { schedule_id: scheduleId });
}
