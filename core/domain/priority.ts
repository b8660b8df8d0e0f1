import { InvalidParameterError } from './errors.ts';

export type PriorityValue = 0 | 1;
export type PriorityName = 'NORMAL' | 'HIGH';

/** The two priorities (docs/design.md#task-model); anything else is rejected, never coerced. */
export class TaskPriority {
  static readonly NORMAL = new TaskPriority(0);
  static readonly HIGH = new TaskPriority(1);

  private constructor(readonly value: PriorityValue) {}

  static of(value: unknown): TaskPriority {
    if (value === undefined || value === null) return TaskPriority.NORMAL;
    if (value === 0) return TaskPriority.NORMAL;
    if (value === 1) return TaskPriority.HIGH;
    throw new InvalidParameterError(`priority must be 0 (NORMAL) or 1 (HIGH), got ${JSON.stringify(value)}`, {
      field: 'priority',
    });
  }

  static isValid(value: unknown): value is PriorityValue {
    return value === 0 || value === 1;
  }

  get name(): PriorityName {
    return this.value === 1 ? 'HIGH' : 'NORMAL';
  }

  get isHigh(): boolean {
    return this.value === 1;
  }

  get queueName(): 'high' | 'normal' {
    return this.value === 1 ? 'high' : 'normal';
  }

  toString(): string {
    return this.name;
  }
}
