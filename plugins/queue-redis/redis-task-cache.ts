import type { Task, TaskCache } from '../../core/index.ts';
import { guard } from './connection.ts';
import type { RedisConnections } from './redis-connections.ts';

const DATE_FIELDS = ['scheduledAt', 'startedAt', 'completedAt', 'createdAt', 'updatedAt'] as const;

function decodeTask(json: string): Task {
  const raw = JSON.parse(json) as Record<string, unknown>;
  for (const field of DATE_FIELDS) {
    const value = raw[field];
    raw[field] = typeof value === 'string' ? new Date(value) : null;
  }
  return raw as unknown as Task;
}

/** `task:cache:{id}`: task JSON with a TTL; every status change drops the entry (DEL). */
export class RedisTaskCache implements TaskCache {
  constructor(
    private readonly redis: RedisConnections,
    private readonly ttlMs: number,
  ) {}

  async get(taskId: string): Promise<Task | undefined> {
    const json = await guard(this.redis.command.get(this.redis.keys.taskCache(taskId)));
    if (json === null) return undefined;
    try {
      return decodeTask(json);
    } catch {
      // A corrupt entry is a miss; storage has the truth.
      return undefined;
    }
  }

  async set(task: Task): Promise<void> {
    await guard(this.redis.command.set(this.redis.keys.taskCache(task.taskId), JSON.stringify(task), 'PX', this.ttlMs));
  }

  async drop(taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await guard(this.redis.command.del(...taskIds.map((id) => this.redis.keys.taskCache(id))));
  }
}
