/**
 * Twelve-factor overrides (docs/configuration.md#precedence-and-the-environment): `TM_PORT`, `TM_ROLES`, `TM_NODE_ID`, and any scalar
 * key as `TM_<SECTION>_<KEY>` in upper snake case (`TM_WORKER_HEARTBEAT_TIMEOUT=4s` →
 * worker.heartbeatTimeout). Values stay strings; the schemas coerce them.
 */
export type EnvSections = Record<string, Record<string, string>>;

/** Variables that are not config keys (TM_API_URL and TM_API_KEY are the operator CLI's server and key). */
const RESERVED = new Set(['TM_PORT', 'TM_ROLES', 'TM_NODE_ID', 'TM_CONFIG', 'TM_API_URL', 'TM_API_KEY']);
const RESERVED_PREFIXES = ['TM_TEST_'];

export function readEnvOverrides(env: Record<string, string | undefined>): EnvSections {
  const sections: EnvSections = {};
  const set = (section: string, key: string, value: string) => {
    (sections[section] ??= {})[key] = value;
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('TM_')) continue;
    if (RESERVED.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) continue;
    const rest = name.slice(3);
    const split = rest.indexOf('_');
    if (split <= 0 || split === rest.length - 1) continue;
    set(rest.slice(0, split).toLowerCase(), snakeToCamel(rest.slice(split + 1)), value);
  }
  if (env.TM_PORT !== undefined) set('app', 'port', env.TM_PORT);
  if (env.TM_NODE_ID !== undefined) set('app', 'nodeId', env.TM_NODE_ID);
  return sections;
}

/** TM_ROLES="api,worker" → ['api', 'worker']; undefined when unset. */
export function readRoles(env: Record<string, string | undefined>): string[] | undefined {
  const raw = env.TM_ROLES;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
}

export function snakeToCamel(upperSnake: string): string {
  return upperSnake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
