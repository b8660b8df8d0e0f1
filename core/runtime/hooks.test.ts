import { describe, expect, it } from 'vitest';
import { createHookRegistry } from './hooks.ts';

describe('hasHandlers', () => {
  it('is false until a handler is registered, and false again once it is removed', () => {
    const hooks = createHookRegistry();
    expect(hooks.hasHandlers('task:before-execute')).toBe(false);
    const off = hooks.hook('task:before-execute', () => {});
    expect(hooks.hasHandlers('task:before-execute')).toBe(true);
    expect(hooks.hasHandlers('task:after-execute')).toBe(false);
    off();
    expect(hooks.hasHandlers('task:before-execute')).toBe(false);
  });

  it('counts every handler, and follows hookOnce, addHooks, removeHook, clearHook and removeAllHooks', async () => {
    const hooks = createHookRegistry();
    const first = () => {};
    hooks.hook('app:start', first);
    hooks.hook('app:start', () => {});
    hooks.removeHook('app:start', first);
    expect(hooks.hasHandlers('app:start')).toBe(true);
    hooks.clearHook('app:start');
    expect(hooks.hasHandlers('app:start')).toBe(false);

    hooks.hookOnce('app:ready', () => {});
    expect(hooks.hasHandlers('app:ready')).toBe(true);
    await hooks.callHook('app:ready');
    expect(hooks.hasHandlers('app:ready')).toBe(false);

    const remove = hooks.addHooks({ 'app:close': () => {} });
    expect(hooks.hasHandlers('app:close')).toBe(true);
    remove();
    expect(hooks.hasHandlers('app:close')).toBe(false);

    hooks.hook('app:close', () => {});
    hooks.removeAllHooks();
    expect(hooks.hasHandlers('app:close')).toBe(false);
  });

  it('runs the handlers in order through hookable as before', async () => {
    const hooks = createHookRegistry();
    const calls: string[] = [];
    hooks.hook('app:start', () => void calls.push('a'));
    hooks.hook('app:start', async () => void calls.push('b'));
    await hooks.callHook('app:start');
    expect(calls).toEqual(['a', 'b']);
  });
});
