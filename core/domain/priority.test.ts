import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from './errors.ts';
import { TaskPriority } from './priority.ts';

describe('TaskPriority', () => {
  it('accepts 0, 1 and undefined (NORMAL)', () => {
    expect(TaskPriority.of(0)).toBe(TaskPriority.NORMAL);
    expect(TaskPriority.of(1)).toBe(TaskPriority.HIGH);
    expect(TaskPriority.of(undefined)).toBe(TaskPriority.NORMAL);
    expect(TaskPriority.of(1).name).toBe('HIGH');
    expect(TaskPriority.of(0).queueName).toBe('normal');
    expect(TaskPriority.of(1).isHigh).toBe(true);
  });

  it.each([2, -1, '1', 1.5, 7])('rejects %j with InvalidParameterError 40001', (value) => {
    expect(TaskPriority.isValid(value)).toBe(false);
    try {
      TaskPriority.of(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).code).toBe(40001);
      expect((error as InvalidParameterError).httpStatus).toBe(400);
    }
  });
});
