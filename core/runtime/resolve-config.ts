import type { z } from 'zod';
import { CORE_SECTIONS, configSchema, type ResolvedConfig, type TaskManagerConfigInput } from './app-config.ts';
import { mergeDeep, readEnvOverrides, readRoles, sectionEnvOverrides, type EnvSections } from './env-overrides.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ResolvedConfigWithEnv extends ResolvedConfig {
  /** Environment overrides per plugin section, applied last by `ctx.section()`. */
  readonly envSections: EnvSections;
  /** The TM_* variables, read per plugin section against its schema by `ctx.section()` (sectionEnvOverrides). */
  readonly env: Readonly<Record<string, string>>;
}

/** Validates a config object with environment overrides applied; errors name the bad key's path. */
export function resolveConfig(
  input: TaskManagerConfigInput,
  env: Record<string, string | undefined> = process.env,
): ResolvedConfigWithEnv {
  const envSections = readEnvOverrides(env);
  const merged: Record<string, unknown> = { ...input };
  for (const section of ['app', 'scheduler', 'worker', 'retention'] as const) {
    // The same schema-guided names as plugin sections (sectionEnvOverrides), plus TM_PORT / TM_NODE_ID.
    const fromEnv = { ...envSections[section], ...sectionEnvOverrides(env, section, configSchema.shape[section]) };
    if (Object.keys(fromEnv).length > 0)
      merged[section] = mergeDeep((input[section] as Record<string, unknown> | undefined) ?? {}, fromEnv);
  }
  const roles = readRoles(env);
  if (roles) merged.roles = roles;

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  const sections: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(input)) {
    if (CORE_SECTIONS.has(key)) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(`Invalid config at ${key}: expected an object section`);
    }
    sections[key] = value as Record<string, unknown>;
  }
  const tmEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && name.startsWith('TM_')) tmEnv[name] = value;
  const config = { ...parsed.data, sections, envSections, env: tmEnv };
  // An interval left at its default follows a shortened TTL (TM_SCHEDULER_LEADER_LOCK_TTL=3s
  // alone must just work); one set explicitly is checked instead.
  const explicit = (section: 'scheduler' | 'worker', key: string) =>
    (merged[section] as Record<string, unknown> | undefined)?.[key] !== undefined;
  if (
    !explicit('scheduler', 'leaderRenewInterval') &&
    config.scheduler.leaderRenewInterval >= config.scheduler.leaderLockTtl
  ) {
    config.scheduler.leaderRenewInterval = Math.floor(config.scheduler.leaderLockTtl / 3);
  }
  if (!explicit('worker', 'heartbeatInterval') && config.worker.heartbeatInterval >= config.worker.heartbeatTimeout) {
    config.worker.heartbeatInterval = Math.floor(config.worker.heartbeatTimeout / 3);
  }
  if (config.scheduler.leaderRenewInterval >= config.scheduler.leaderLockTtl) {
    throw new ConfigError(
      'Invalid config at scheduler.leaderRenewInterval: must be shorter than scheduler.leaderLockTtl',
    );
  }
  if (config.worker.heartbeatInterval >= config.worker.heartbeatTimeout) {
    throw new ConfigError('Invalid config at worker.heartbeatInterval: must be shorter than worker.heartbeatTimeout');
  }
  return config;
}

/** Parses one plugin section: defaults < file < factory options < environment. */
export function resolveSection<S extends z.ZodType>(
  config: ResolvedConfigWithEnv,
  name: string,
  schema: S,
  options: object | undefined,
): z.output<S> {
  const fromEnv = config.env ? sectionEnvOverrides(config.env, name, schema) : (config.envSections[name] ?? {});
  const merged = mergeDeep(mergeDeep(config.sections[name] ?? {}, dropUndefined(options)), fromEnv);
  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, name));
  return parsed.data;
}

export function formatIssues(error: z.ZodError, prefix?: string): string {
  const lines = error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `Invalid config at ${path || '(root)'}: ${issue.message}`;
  });
  return lines.join('\n');
}

function dropUndefined(options: object | undefined): Record<string, unknown> {
  if (!options) return {};
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
