import type { Page, PageRequest, Schedule, ScheduleAdvance, ScheduleStore } from '../../core/index.ts';

/** Schedules in process memory (the embedded default); the same contract as the `task_schedule` table. */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly schedules = new Map<string, Schedule>();

  async insertSchedule(schedule: Schedule): Promise<boolean> {
    if (this.schedules.has(schedule.scheduleId)) return false;
    this.schedules.set(schedule.scheduleId, copy(schedule));
    return true;
  }

  async getSchedule(scheduleId: string): Promise<Schedule | undefined> {
    const found = this.schedules.get(scheduleId);
    return found && copy(found);
  }

  async listSchedules(page: PageRequest): Promise<Page<Schedule>> {
    const ids = [...this.schedules.keys()]
      .sort(compare)
      .filter((id) => page.cursor === undefined || id > decode(page.cursor));
    const items = ids.slice(0, page.limit).map((id) => copy(this.schedules.get(id)!));
    const last = items.at(-1);
    return ids.length > page.limit && last ? { items, nextCursor: encode(last.scheduleId) } : { items };
  }

  async deleteSchedule(scheduleId: string): Promise<boolean> {
    return this.schedules.delete(scheduleId);
  }

  async setScheduleEnabled(scheduleId: string, enabled: boolean, nextRunAt: Date | null, at: Date): Promise<boolean> {
    const found = this.schedules.get(scheduleId);
    if (!found) return false;
    this.schedules.set(scheduleId, { ...found, enabled, nextRunAt, updatedAt: at });
    return true;
  }

  async findDueSchedules(now: Date, limit: number): Promise<Schedule[]> {
    return [...this.schedules.values()]
      .filter((s) => s.enabled && s.nextRunAt !== null && s.nextRunAt.getTime() <= now.getTime())
      .sort((a, b) => a.nextRunAt!.getTime() - b.nextRunAt!.getTime() || compare(a.scheduleId, b.scheduleId))
      .slice(0, limit)
      .map(copy);
  }

  async findNextRunAt(): Promise<Date | null> {
    let earliest: Date | null = null;
    for (const s of this.schedules.values()) {
      if (s.enabled && s.nextRunAt && (!earliest || s.nextRunAt < earliest)) earliest = s.nextRunAt;
    }
    return earliest && new Date(earliest);
  }

  async advanceSchedule(advance: ScheduleAdvance): Promise<boolean> {
    const found = this.schedules.get(advance.scheduleId);
    if (!found || found.nextRunAt?.getTime() !== advance.expectedNextRunAt.getTime()) return false;
    this.schedules.set(advance.scheduleId, {
      ...found,
      nextRunAt: advance.nextRunAt,
      lastRunAt: advance.lastRunAt,
      updatedAt: advance.at,
    });
    return true;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const encode = (id: string) => Buffer.from(id).toString('base64url');
const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString();

/** Callers never share the stored object (nor its payload). */
function copy(schedule: Schedule): Schedule {
  return structuredClone(schedule);
}
