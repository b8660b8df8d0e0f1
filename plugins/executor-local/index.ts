import { definePlugin, type Plugin } from '../../core/index.ts';
import { LocalExecutor, type LocalHandler } from './local-executor.ts';

export type { LocalHandler } from './local-executor.ts';

export interface LocalExecutorOptions {
  /** Executor type (task types' `executorType`); default "local". */
  type?: string;
}

/**
 * In-process handler functions as an executor. Use it once per executor type; a second
 * instance needs its own `type` (it also names the plugin, and plugin names are unique).
 */
export function localExecutor(handlers: Record<string, LocalHandler>, options: LocalExecutorOptions = {}): Plugin {
  const type = options.type ?? 'local';
  if (Object.keys(handlers).length === 0) {
    throw new Error(`localExecutor("${type}") needs at least one handler`);
  }
  return definePlugin({
    name: type === 'local' ? 'executor-local' : `executor-local:${type}`,
    setup(ctx) {
      ctx.registerExecutor(new LocalExecutor(type, { ...handlers }));
    },
  });
}
