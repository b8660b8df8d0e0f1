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

/** TM_ + the upper snake case of a name: `grpcExecutor` → `GRPC_EXECUTOR`. */
export function camelToUpperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

/** The keys of an object schema, through optional / default / nullable / pipe wrappers; undefined for a leaf. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { _zod?: { def?: Record<string, unknown> } } | undefined;
  for (let depth = 0; depth < 8 && current?._zod?.def; depth++) {
    const def = current._zod.def;
    if (def.type === 'object') return def.shape as Record<string, unknown>;
    // A preprocess is a pipe from a transform: the keys are those of what it feeds.
    const into = (def.in as typeof current)?._zod?.def?.type === 'transform' ? def.out : def.in;
    const inner = def.innerType ?? into;
    if (inner === undefined) return undefined;
    current = inner as typeof current;
  }
  return undefined;
}

/**
 * The key path named by the words after a section's prefix, guided by the section's schema:
 * at each level the longest run of words that spells a key (`GROUP_COMMIT` → `groupCommit`)
 * wins, and an object key takes the rest of the words as its own key path. Words matching no
 * key become one camelCase key, as before schemas were consulted.
 */
function keyPath(words: readonly string[], schema: unknown): string[] {
  const shape = objectShape(schema);
  if (shape) {
    const keys = Object.keys(shape);
    for (let take = words.length; take >= 1; take--) {
      const spelled = words.slice(0, take).join('_');
      const key = keys.find((k) => camelToUpperSnake(k) === spelled);
      if (key === undefined) continue;
      if (take === words.length) return [key];
      if (objectShape(shape[key])) return [key, ...keyPath(words.slice(take), shape[key])];
    }
  }
  return [snakeToCamel(words.join('_'))];
}

/**
 * The environment's values for one config section (docs/configuration.md, "Environment
 * variables"): `TM_<SECTION>_<KEY>` with the section and every key of the path in upper snake
 * case, nested keys joined by `_` (`TM_GRPC_EXECUTOR_DEFAULT_TIMEOUT` → grpcExecutor.defaultTimeout,
 * `TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS` → mysql.groupCommit.maxCallTasks). Values stay strings.
 */
export function sectionEnvOverrides(
  env: Record<string, string | undefined>,
  section: string,
  schema: unknown,
): Record<string, unknown> {
  const prefix = `TM_${camelToUpperSnake(section)}_`;
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    if (RESERVED.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) continue;
    const path = keyPath(name.slice(prefix.length).split('_').filter(Boolean), schema);
    let target = values;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      target = (target[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = typed(value, leafSchema(schema, path));
  }
  return values;
}

/** The schema of the key at `path`, or undefined. */
function leafSchema(schema: unknown, path: readonly string[]): unknown {
  let current = schema;
  for (const key of path) {
    const shape = objectShape(current);
    if (!shape || !(key in shape)) return undefined;
    current = shape[key];
  }
  return current;
}

/** The type a plain schema expects, through optional / default / nullable (not through a transform). */
function plainType(schema: unknown): { type: string; element?: unknown } | undefined {
  let current = schema as { _zod?: { def?: Record<string, unknown> } } | undefined;
  for (let depth = 0; depth < 8 && current?._zod?.def; depth++) {
    const def = current._zod.def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') {
      current = def.innerType as typeof current;
      continue;
    }
    return { type: String(def.type), element: def.element };
  }
  return undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const BOOLEAN_WORDS = new Set(['true', 'false', '1', '0', 'yes', 'no']);

/**
 * An environment string as the key's schema takes it, for schemas that do not convert strings
 * themselves: a boolean from true/false/1/0/yes/no, a number, a list from "a,b" (numbers when
 * the list holds numbers). Anything else (and any value that does not read) stays a string,
 * for the schema to accept or refuse with its own message.
 */
function typed(value: string, schema: unknown): unknown {
  const plain = plainType(schema);
  if (!plain) return value;
  const text = value.trim();
  if (plain.type === 'boolean' && BOOLEAN_WORDS.has(text.toLowerCase())) return TRUE_WORDS.has(text.toLowerCase());
  if (plain.type === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (plain.type === 'array') {
    const items = text === '' ? [] : text.split(',').map((item) => item.trim());
    return items.map((item) => typed(item, plain.element));
  }
  return value;
}

/** Merges `override` into `base` key by key, objects recursively (arrays and scalars replace). */
export function mergeDeep(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? mergeDeep(current, value) : value;
  }
  return out;
}

/** Only object literals merge: class instances (clocks, clients) and arrays are values. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
