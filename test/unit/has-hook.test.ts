import { describe, expect, it } from 'vitest';
import { createHookRegistry, hasHook } from '../../core/runtime/hooks.ts';

// hasHook reads hookable's internal handler table: this fails if an upgrade moves it.
describe('hasHook', () => {
  it('is false until a handler is registered, and false again once it is removed', () => {
    const hooks = createHookRegistry();
    expect(hasHook(hooks, 'task:before-execute')).toBe(false);
    const off = hooks.hook('task:before-execute', () => {});
    expect(hasHook(hooks, 'task:before-execute')).toBe(true);
    expect(hasHook(hooks, 'task:after-execute')).toBe(false);
    off();
    expect(hasHook(hooks, 'task:before-execute')).toBe(false);
  });
});
