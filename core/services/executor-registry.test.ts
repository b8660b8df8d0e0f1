import { describe, expect, it } from 'vitest';
import type { Executor } from '../ports/executor.ts';
import { ExecutorRegistry } from './executor-registry.ts';

const executor = (type: string, taskTypes: string[]): Executor => ({ type, taskTypes, execute: async () => null });

describe('executor registry', () => {
  it('maps each task type to one executor and refuses a second claim', () => {
    const registry = new ExecutorRegistry();
    registry.register(executor('email', ['send_email']));
    expect(registry.get('send_email')?.type).toBe('email');
    expect(() => registry.register(executor('smtp2', ['other', 'send_email']))).toThrow(
      'task type "send_email" is already served by executor "email"',
    );
    expect(registry.get('other')).toBeUndefined(); // nothing of a refused executor is kept
  });
});
