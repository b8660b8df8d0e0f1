import { Hookable } from 'hookable';
import type { HookRegistry, TaskManagerHooks } from '../ports/hooks.ts';

type HookName = keyof TaskManagerHooks;
type Handler = (...args: never[]) => unknown;

/**
 * hookable's Hookable, counting its handlers per hook name: hookable has no public accessor
 * for them. Every registration goes through `hook` (hookOnce and addHooks call it) and every
 * removal through `removeHook`, `clearHook` or `removeAllHooks`, so the mirror stays exact.
 */
class CountingHookable extends Hookable<TaskManagerHooks> implements HookRegistry {
  private readonly handlers = new Map<string, Handler[]>();

  override hook<N extends HookName>(
    name: N,
    handler: TaskManagerHooks[N],
    options?: { allowDeprecated?: boolean },
  ): () => void {
    // hookable types a handler with its own InferCallback, which it does not export.
    const unregister = super.hook(name, handler as never, options);
    if (name && typeof handler === 'function') {
      const list = this.handlers.get(name) ?? [];
      list.push(handler as Handler);
      this.handlers.set(name, list);
    }
    return unregister;
  }

  override removeHook<N extends HookName>(name: N, handler: TaskManagerHooks[N]): void {
    super.removeHook(name, handler as never);
    const list = this.handlers.get(name);
    const index = list?.indexOf(handler as Handler) ?? -1;
    if (list && index !== -1) list.splice(index, 1);
  }

  override clearHook<N extends HookName>(name: N): void {
    super.clearHook(name);
    this.handlers.delete(name);
  }

  override removeAllHooks(): void {
    super.removeAllHooks();
    this.handlers.clear();
  }

  hasHandlers(name: HookName): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }
}

export function createHookRegistry(): HookRegistry {
  return new CountingHookable();
}
