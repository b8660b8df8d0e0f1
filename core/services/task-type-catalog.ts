import { inject, injectable } from 'tsyringe';
import { UnknownTaskTypeError } from '../domain/errors.ts';
import { normalizeRetryStrategy, TASK_TYPE_DEFAULTS, type TaskTypeConfig } from '../domain/task-type.ts';
import type { Clock } from '../ports/clock.ts';
import type { StoragePort } from '../ports/storage.ts';
import type { TaskTypeControls, TaskTypeControlStore } from '../ports/task-type-controls.ts';
import type { TaskTypeInput } from '../config/config-schema.ts';
import { taskTypeSchema } from '../config/config-schema.ts';
import { TOKENS } from '../config/tokens.ts';

/** How long a node trusts its copy of task_config before reading it again (edits on other nodes). */
const REFRESH_MS = 5_000;

/**
 * Task types, read through a short-lived cache: creating and scheduling a task must not cost a
 * storage round-trip for its type on the hot path.
 */
@injectable()
export class TaskTypeCatalog {
  private byType = new Map<string, TaskTypeConfig>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  /** Derived from byType, cleared whenever byType changes. */
  private paused: Set<string> | undefined;

  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.TaskTypeControls) private readonly controls: TaskTypeControlStore,
  ) {}

  /** Writes the types declared in config (config wins over what storage had, rate limits included; pauses stay). */
  async sync(inputs: readonly TaskTypeInput[]): Promise<void> {
    const configs = inputs.map(toTaskTypeConfig);
    if (configs.length > 0) await this.storage.upsertTaskTypes(configs);
    await this.writeRateLimits(configs);
    await this.reload();
  }

  async list(): Promise<TaskTypeConfig[]> {
    await this.ensureFresh();
    return [...this.byType.values()].sort((a, b) => a.taskType.localeCompare(b.taskType));
  }

  async find(taskType: string): Promise<TaskTypeConfig | undefined> {
    await this.ensureFresh();
    const cached = this.byType.get(taskType);
    if (cached) return cached;
    // A type created on another node since the last refresh.
    const stored = await this.storage.getTaskType(taskType);
    if (stored) {
      this.byType.set(taskType, stored);
      this.paused = undefined;
    }
    return stored;
  }

  /** The config of a type tasks may be created for; 40002 when unknown or disabled. */
  async requireEnabled(taskType: string): Promise<TaskTypeConfig> {
    const config = await this.find(taskType);
    if (!config) throw new UnknownTaskTypeError(taskType);
    if (!config.enabled) throw new UnknownTaskTypeError(taskType, 'disabled');
    return config;
  }

  async put(input: TaskTypeInput): Promise<TaskTypeConfig> {
    const defined = toTaskTypeConfig(input);
    await this.storage.upsertTaskTypes([defined]);
    await this.writeRateLimits([defined]);
    const config = { ...defined, paused: this.byType.get(defined.taskType)?.paused ?? false };
    this.byType.set(config.taskType, config);
    return config;
  }

  /** Pauses or resumes a type (durable); false when the type does not exist. */
  async setPaused(taskType: string, paused: boolean): Promise<boolean> {
    if (!(await this.controls.setTaskTypePaused(taskType, paused, this.clock.now()))) return false;
    const current = this.byType.get(taskType);
    if (current) this.byType.set(taskType, { ...current, paused });
    this.paused = undefined;
    return true;
  }

  /** Reads storage again at the next lookup (another node changed a type). */
  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  /** Writes the limits declared, and clears the ones no longer declared; types with neither cost no write. */
  private async writeRateLimits(configs: readonly TaskTypeConfig[]): Promise<void> {
    if (configs.length === 0) return;
    const stored = new Map((await this.controls.listTaskTypeControls()).map((c) => [c.taskType, c.rateLimit]));
    const at = this.clock.now();
    for (const config of configs) {
      const limit = config.rateLimit ?? null;
      const before = stored.get(config.taskType) ?? null;
      if (limit?.max === before?.max && limit?.perMs === before?.perMs) continue;
      await this.controls.setTaskTypeRateLimit(config.taskType, limit, at);
    }
  }

  /** Synchronous lookup for hot loops that already awaited `list()` this tick. */
  /** The cached config while the cache is fresh (no await on a worker's hot path); otherwise undefined: call find. */
  fresh(taskType: string): TaskTypeConfig | undefined {
    if (this.clock.now().getTime() - this.loadedAt >= REFRESH_MS) return undefined;
    return this.byType.get(taskType);
  }

  /** The types paused in the cached view; the same object until the view changes (cheap to compare per round). */
  pausedTypes(): ReadonlySet<string> {
    if (this.paused === undefined) {
      const paused = new Set<string>();
      for (const config of this.byType.values()) if (config.paused) paused.add(config.taskType);
      this.paused = paused;
    }
    return this.paused;
  }

  /** Makes sure the cached view is fresh (reads storage at most every few seconds). */
  load(): Promise<void> {
    return this.ensureFresh();
  }

  cached(taskType: string): TaskTypeConfig | undefined {
    return this.byType.get(taskType);
  }

  private async ensureFresh(): Promise<void> {
    if (this.clock.now().getTime() - this.loadedAt < REFRESH_MS) return;
    await this.reload();
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const [types, controls] = await Promise.all([
          this.storage.listTaskTypes(),
          this.controls.listTaskTypeControls(),
        ]);
        const byType = new Map(controls.map((c) => [c.taskType, c]));
        this.byType = new Map(types.map((t) => [t.taskType, withControls(t, byType.get(t.taskType))]));
        this.paused = undefined;
        this.loadedAt = this.clock.now().getTime();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

function withControls(config: TaskTypeConfig, controls: TaskTypeControls | undefined): TaskTypeConfig {
  return { ...config, paused: controls?.paused ?? false, rateLimit: controls?.rateLimit ?? null };
}

export function toTaskTypeConfig(input: TaskTypeInput): TaskTypeConfig {
  const { rateLimit, ...parsed } = taskTypeSchema.parse(input);
  return {
    ...TASK_TYPE_DEFAULTS,
    ...parsed,
    rateLimit: rateLimit ? { max: rateLimit.max, perMs: rateLimit.per } : null,
    taskName: parsed.taskName ?? parsed.taskType,
    description: parsed.description ?? null,
    executorConfig: parsed.executorConfig as TaskTypeConfig['executorConfig'],
    retryStrategy: normalizeRetryStrategy(parsed.retryStrategy),
  };
}
