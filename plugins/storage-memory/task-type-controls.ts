import type { RateLimit, TaskTypeControls, TaskTypeControlStore, TaskTypeConfig } from '../../core/index.ts';

/** Pause flags and rate limits of task types in process memory. */
export class MemoryTaskTypeControls implements TaskTypeControlStore {
  private readonly controls = new Map<string, TaskTypeControls>();

  constructor(private readonly findType: (taskType: string) => Promise<TaskTypeConfig | undefined>) {}

  async listTaskTypeControls(): Promise<TaskTypeControls[]> {
    return [...this.controls.values()].filter((c) => c.paused || c.rateLimit !== null).map((c) => ({ ...c }));
  }

  async setTaskTypePaused(taskType: string, paused: boolean): Promise<boolean> {
    return this.update(taskType, { paused });
  }

  async setTaskTypeRateLimit(taskType: string, rateLimit: RateLimit | null): Promise<boolean> {
    return this.update(taskType, { rateLimit: rateLimit && { max: rateLimit.max, perMs: rateLimit.perMs } });
  }

  private async update(taskType: string, change: Partial<TaskTypeControls>): Promise<boolean> {
    if (!(await this.findType(taskType))) return false;
    const current = this.controls.get(taskType) ?? { taskType, paused: false, rateLimit: null };
    this.controls.set(taskType, { ...current, ...change });
    return true;
  }
}
