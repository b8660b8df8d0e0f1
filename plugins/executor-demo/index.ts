import { definePlugin, type Plugin } from '../../core/index.ts';
import { DemoExecutor } from './demo-executor.ts';

/** The `demo` executor: task types `echo`, `sleep` and `fail`. */
export function demoExecutors(): Plugin {
  return definePlugin({
    name: 'executor-demo',
    setup(ctx) {
      ctx.registerExecutor(new DemoExecutor());
    },
  });
}
