import type { ResolvedConfig } from './app-config.ts';

/** Keys a running process applies without a restart (docs/operations.md, hot reload). */
export const LIVE_KEYS = new Set([
  'app.logLevel',
  'app.watchConfig',
  'scheduler.loadBalancer',
  'scheduler.maxDispatchRate',
  'worker.capacity',
  'taskTypes',
]);

/** A plugin section as a plugin read it (defaults, file, factory options and environment merged). */
export interface SectionRead {
  plugin: string;
  section: string;
  value: unknown;
}

export interface ConfigDiff {
  /** Changed keys this process applies live. */
  live: string[];
  /** Changed keys that only take effect after a restart (storage or queue URLs, plugins, roles, ports, …). */
  restart: string[];
}

/**
 * What differs between the running config and a new one, key by key. Plugin sections are
 * compared as the plugins resolved them, so a factory option in a TypeScript config counts
 * like a key in the file.
 */
export function diffConfig(
  running: ResolvedConfig,
  next: ResolvedConfig,
  runningSections: ReadonlyMap<string, SectionRead>,
  nextSections: ReadonlyMap<string, SectionRead>,
): ConfigDiff {
  const changed: string[] = [];
  for (const section of ['app', 'scheduler', 'worker'] as const) {
    const before = running[section] as Record<string, unknown>;
    const after = next[section] as Record<string, unknown>;
    for (const key of unionKeys(before, after)) {
      if (!sameValue(before[key], after[key])) changed.push(`${section}.${key}`);
    }
  }
  if (!sameValue(running.roles, next.roles)) changed.push('roles');
  if (!sameValue(running.taskTypes, next.taskTypes)) changed.push('taskTypes');
  const pluginNames = (config: ResolvedConfig) => config.plugins.map((p) => p.name);
  if (!sameValue(pluginNames(running), pluginNames(next))) changed.push('plugins');
  for (const id of new Set([...runningSections.keys(), ...nextSections.keys()])) {
    const before = runningSections.get(id);
    const after = nextSections.get(id);
    const name = (before ?? after)!.section;
    const beforeValue = (before?.value ?? {}) as Record<string, unknown>;
    const afterValue = (after?.value ?? {}) as Record<string, unknown>;
    if (!isPlainObject(beforeValue) || !isPlainObject(afterValue)) {
      if (!sameValue(beforeValue, afterValue)) changed.push(name);
      continue;
    }
    for (const key of unionKeys(beforeValue, afterValue)) {
      if (!sameValue(beforeValue[key], afterValue[key])) changed.push(`${name}.${key}`);
    }
  }
  const unique = [...new Set(changed)];
  return { live: unique.filter((k) => LIVE_KEYS.has(k)), restart: unique.filter((k) => !LIVE_KEYS.has(k)) };
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/**
 * Structural equality for config values. Functions compare by source text: a TypeScript
 * config imported again builds new closures that do the same thing.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return a.toString() === b.toString();
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = unionKeys(a, b);
    return keys.every((key) => sameValue(a[key], b[key]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && a.constructor === b.constructor) {
    // Class instances (a clock, a logger): the same kind of thing is treated as unchanged.
    return true;
  }
  return false;
}
