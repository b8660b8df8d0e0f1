import { inject, injectable } from 'tsyringe';
import { assertTransition, isTerminalStatus, type Task } from '../domain/task.ts';
import type { TaskCache } from '../ports/task-cache.ts';
import type { StoragePort, TaskTransition, TransitionResult } from '../ports/storage.ts';
import { TOKENS } from '../config/tokens.ts';

/**
 * Every status change goes through here: the edge is checked against the domain table and
 * storage applies it under its status guard. Reads go through the optional cache.
 */
@injectable()
export class TaskStateWriter {
  constructor(
    @inject(TOKENS.Storage) private readonly storage: StoragePort,
    @inject(TOKENS.TaskCache) private readonly cache: TaskCache,
  ) {}

  async transition(changes: TaskTransition[]): Promise<TransitionResult> {
    if (changes.length === 0) return { applied: [], rejected: [] };
    for (const change of changes) assertTransition(change.from, change.to, change.via);
    // No cache drop: only SUCCESS and CANCELLED tasks are cached (see `read`), and the
    // transition table has no edge out of either, so no change can make an entry stale.
    return this.storage.transition(changes);
  }

  async read(taskId: string): Promise<Task | undefined> {
    const cached = await this.cache.get(taskId);
    if (cached) return cached;
    const task = await this.storage.getTask(taskId);
    // Only states that can never change are cached: caching a live task could race with a
    // transition (read old, transition drops, then set old) and serve a stale status for
    // the cache TTL.
    if (task && isTerminalStatus(task.status)) await this.cache.set(task);
    return task;
  }
}

/** The default when no plugin provides `task-cache`: every read goes to storage. */
export const noTaskCache: TaskCache = {
  async get() {
    return undefined;
  },
  async set() {},
  async drop() {},
};
