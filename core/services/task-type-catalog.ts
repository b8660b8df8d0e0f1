import { inject, injectable } from 'tsyringe';
import { UnknownTaskTypeError } from '../domain/errors.ts';
import { normalizeRetryStrategy, TASK_TYPE_DEFAULTS, type TaskTypeConfig } from '../domain/task-type.ts';
import type { Clock } from '../ports/clock.ts';
import type { StoragePort } from '../ports/storage.ts';
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

  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  /** Writes the types declared in config (config wins over what storage had). */
  async sync(inputs: readonly TaskTypeInput[]): Promise<void> {
    if (inputs.length > 0) await this.storage.upsertTaskTypes(inputs.map(toTaskTypeConfig));
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
    if (stored) this.byType.set(taskType, stored);
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
    const config = toTaskTypeConfig(input);
    await this.storage.upsertTaskTypes([config]);
    this.byType.set(config.taskType, config);
    return config;
  }

  /** Synchronous lookup for hot loops that already awaited `list()` this tick. */
  /** The cached config while the cache is fresh (no await on a worker's hot path); otherwise undefined: call find. */
  fresh(taskType: string): TaskTypeConfig | undefined {
    if (this.clock.now().getTime() - this.loadedAt >= REFRESH_MS) return undefined;
    return this.byType.get(taskType);
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
        const types = await this.storage.listTaskTypes();
        this.byType = new Map(types.map((t) => [t.taskType, t]));
        this.loadedAt = this.clock.now().getTime();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

export function toTaskTypeConfig(input: TaskTypeInput): TaskTypeConfig {
  const parsed = taskTypeSchema.parse(input);
  return {
    ...TASK_TYPE_DEFAULTS,
    ...parsed,
    taskName: parsed.taskName ?? parsed.taskType,
    description: parsed.description ?? null,
    executorConfig: parsed.executorConfig as TaskTypeConfig['executorConfig'],
    retryStrategy: normalizeRetryStrategy(parsed.retryStrategy),
  };
}
