import type { Plugin } from './plugin.ts';
import type { PortName } from '../config/tokens.ts';

/** Hints for the error that names a missing port; strings only, core imports no plugin. */
const PROVIDER_HINTS: Partial<Record<PortName, string>> = {
  storage: 'memoryStorage(), mysqlStorage() or postgresStorage()',
  queue: 'memoryQueue() or redisQueue()',
  coordination: 'memoryQueue() or redisQueue()',
};

export const REQUIRED_PORTS: readonly PortName[] = ['storage', 'queue', 'coordination'];

/**
 * The plugin list a config may run: unique names, each port provided at most once, and every
 * required port (the core's and each plugin's `requires`) provided, with a hint naming the fix.
 */
export function checkPlugins(plugins: readonly Plugin[], requiredPorts: readonly PortName[] = REQUIRED_PORTS): void {
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name))
      throw new Error(`plugin "${plugin.name}" is listed twice; each plugin name must be unique`);
    names.add(plugin.name);
  }
  const providers = new Map<PortName, string>();
  for (const plugin of plugins) {
    for (const port of plugin.provides ?? []) {
      const other = providers.get(port);
      if (other) throw new Error(`port "${port}" is provided by both "${other}" and "${plugin.name}"; keep one`);
      providers.set(port, plugin.name);
    }
  }
  const needed = new Set<PortName>([...requiredPorts, ...plugins.flatMap((p) => p.requires ?? [])]);
  for (const port of needed) {
    if (providers.has(port)) continue;
    const users = plugins.filter((p) => p.requires?.includes(port)).map((p) => `"${p.name}"`);
    const hint = PROVIDER_HINTS[port];
    throw new Error(
      `no plugin provides "${port}"${users.length ? ` (required by ${users.join(', ')})` : ''}` +
        (hint ? `; add ${hint} to taskmanager.config.ts` : '; add a plugin that provides it to taskmanager.config.ts'),
    );
  }
}
