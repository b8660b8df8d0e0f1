import type { PortName } from '../config/tokens.ts';
import type { Plugin } from './plugin.ts';

/** Providers before the plugins that require their ports; otherwise the listed order. */
export function startOrder(plugins: readonly Plugin[]): Plugin[] {
  const providerOf = new Map<PortName, Plugin>();
  for (const p of plugins) for (const port of p.provides ?? []) providerOf.set(port, p);
  const ordered: Plugin[] = [];
  const state = new Map<Plugin, 'visiting' | 'done'>();
  const visit = (plugin: Plugin, chain: string[]) => {
    if (state.get(plugin) === 'done') return;
    if (state.get(plugin) === 'visiting')
      throw new Error(`plugins depend on each other in a cycle: ${[...chain, plugin.name].join(' → ')}`);
    state.set(plugin, 'visiting');
    for (const port of plugin.requires ?? []) {
      const provider = providerOf.get(port);
      if (provider && provider !== plugin) visit(provider, [...chain, plugin.name]);
    }
    state.set(plugin, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
