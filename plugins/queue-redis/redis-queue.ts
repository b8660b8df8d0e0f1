import type {
  ClaimedForWorkers,
  DispatchResult,
  DelayedEntry,
  PriorityValue,
  QueueEntry,
  QueueLengths,
  TaskQueue,
  WorkerRoom,
} from '../../core/index.ts';
import { guard } from './connection.ts';
import type { RedisConnections } from './redis-connections.ts';

/** Pipeline results are [error, value] pairs; the first error fails the whole read. */
function values<T>(results: [Error | null, unknown][] | null): T[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}

function toEntries(flat: readonly string[]): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    entries.push({ priority: flat[i] === '1' ? 1 : 0, taskId: flat[i + 1]! });
  }
  return entries;
}

/** Claimed-list and delayed-set members are "<priority>:<task id>". */
function decodeMember(member: string): QueueEntry {
  const priority: PriorityValue = member.startsWith('1:') ? 1 : 0;
  return { priority, taskId: member.slice(2) };
}

/**
 * TaskQueue over Redis lists (docs/operations.md#key-layout). Producers LPUSH, consumers take from the right,
 * so every list is FIFO; each move between lists is one Lua script, so an id is always in
 * exactly one place. See scripts/*.lua for the KEYS/ARGV of each step.
 */
export class RedisQueue implements TaskQueue {
  constructor(private readonly redis: RedisConnections) {}

  private get keys() {
    return this.redis.keys;
  }

  async enqueue(entries: readonly QueueEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args = entries.flatMap((e) => [e.priority === 1 ? '1' : '0', e.taskId]);
    await this.redis.scripts.run(
      'enqueue',
      [this.keys.queueHigh, this.keys.queueNormal],
      [this.keys.notifyChannel, ...args],
    );
  }

  async schedule(entries: readonly DelayedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args = entries.flatMap((e) => [e.dueAt.getTime(), e.priority === 1 ? '1' : '0', e.taskId]);
    await this.redis.scripts.run('schedule', [this.keys.queueDelayed], [this.keys.notifyChannel, ...args]);
  }

  async promoteDue(now: Date, limit: number): Promise<number> {
    if (limit <= 0) return 0;
    const { queueDelayed, queueHigh, queueNormal, notifyChannel } = this.keys;
    return this.redis.scripts.run<number>(
      'promote-due',
      [queueDelayed, queueHigh, queueNormal],
      [now.getTime(), limit, notifyChannel],
    );
  }

  async claimFor(workers: readonly WorkerRoom[], limit: number): Promise<ClaimedForWorkers> {
    if (workers.length === 0) return { loads: new Map(), claimed: [] };
    const { queueHigh, queueNormal, claimed } = this.keys;
    const keys = [
      queueHigh,
      queueNormal,
      claimed,
      ...workers.flatMap((w) => [this.keys.workerQueue(w.workerId), this.keys.workerProcessing(w.workerId)]),
    ];
    const [loads, flat] = await this.redis.scripts.run<[number[], string[]]>('claim', keys, [
      Math.max(0, limit),
      ...workers.map((w) => w.maxLoad),
    ]);
    return { loads: new Map(workers.map((w, i) => [w.workerId, loads[i] ?? 0])), claimed: toEntries(flat) };
  }

  async unclaim(entries: readonly QueueEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { queueHigh, queueNormal, claimed } = this.keys;
    const args = entries.flatMap((e) => [e.priority === 1 ? '1' : '0', e.taskId]);
    await this.redis.scripts.run('unclaim', [queueHigh, queueNormal, claimed], args);
  }

  async discardClaimed(taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await this.redis.scripts.run('discard-claimed', [this.keys.claimed], taskIds);
  }

  async listClaimed(): Promise<QueueEntry[]> {
    const members = await guard(this.redis.command.lrange(this.keys.claimed, 0, -1));
    return members.map(decodeMember);
  }

  async dispatch(workerId: string, taskIds: readonly string[]): Promise<DispatchResult> {
    if (taskIds.length === 0) return { dispatched: [], cancelled: [], refused: [] };
    const keys = [this.keys.claimed, this.keys.workerQueue(workerId), this.keys.queueWorkers, this.keys.workers];
    const [dispatched, cancelled, refused] = await this.redis.scripts.run<[string[], string[], string[]]>(
      'dispatch',
      keys,
      [this.keys.cancelMarkPrefix, workerId, ...taskIds],
    );
    return { dispatched, cancelled, refused };
  }

  async ack(workerId: string, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await this.runAckTake(workerId, taskIds, 0);
  }

  async ackAndTake(
    workerId: string,
    ackIds: readonly string[],
    max: number,
    waitMs = 0,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const take = signal?.aborted ? 0 : max;
    if (ackIds.length === 0 && take <= 0) return [];
    const ready = await this.runAckTake(workerId, ackIds, take);
    if (ready.length > 0 || take <= 0 || waitMs <= 0 || signal?.aborted) return ready;
    // Nothing queued: block on a dedicated connection until one id arrives, then take
    // whatever else came with it without blocking.
    const first = await this.redis.blocking.moveOne(
      workerId,
      this.keys.workerQueue(workerId),
      this.keys.workerProcessing(workerId),
      waitMs,
      signal,
    );
    if (first === null) return [];
    if (max === 1 || signal?.aborted) return [first];
    return [first, ...(await this.runAckTake(workerId, [], max - 1))];
  }

  async processingIds(workerId: string): Promise<string[]> {
    return guard(this.redis.command.lrange(this.keys.workerProcessing(workerId), 0, -1));
  }

  async drainWorker(workerId: string): Promise<string[]> {
    const { queueWorkers } = this.keys;
    const keys = [this.keys.workerQueue(workerId), this.keys.workerProcessing(workerId), queueWorkers];
    return this.redis.scripts.run<string[]>('drain-worker', keys, [workerId]);
  }

  async findUnqueued(taskIds: readonly string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const { queueHigh, queueNormal, queueDelayed, claimed } = this.keys;
    return this.redis.scripts.run<string[]>('find-unqueued', [queueHigh, queueNormal, queueDelayed, claimed], taskIds);
  }

  async workerLoads(workerIds: readonly string[]): Promise<Map<string, number>> {
    const loads = new Map<string, number>();
    if (workerIds.length === 0) return loads;
    const pipeline = this.redis.command.pipeline();
    for (const id of workerIds) pipeline.llen(this.keys.workerQueue(id)).llen(this.keys.workerProcessing(id));
    const lengths = values<number>(await guard(pipeline.exec()));
    workerIds.forEach((id, i) => loads.set(id, lengths[2 * i]! + lengths[2 * i + 1]!));
    return loads;
  }

  async lengths(): Promise<QueueLengths> {
    const { queueHigh, queueNormal, queueDelayed, claimed, workers, queueWorkers } = this.keys;
    const command = this.redis.command;
    const [high, normal, delayed, claimedCount, workerIds] = values<number | string[]>(
      await guard(
        command
          .pipeline()
          .llen(queueHigh)
          .llen(queueNormal)
          .zcard(queueDelayed)
          .llen(claimed)
          .sunion(workers, queueWorkers)
          .exec(),
      ),
    ) as [number, number, number, number, string[]];
    const perWorker: QueueLengths['workers'] = {};
    if (workerIds.length > 0) {
      const pipeline = command.pipeline();
      for (const id of workerIds) pipeline.llen(this.keys.workerQueue(id)).llen(this.keys.workerProcessing(id));
      const counts = values<number>(await guard(pipeline.exec()));
      workerIds.forEach((id, i) => (perWorker[id] = { queued: counts[2 * i]!, processing: counts[2 * i + 1]! }));
    }
    return { high, normal, delayed, claimed: claimedCount, workers: perWorker };
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.redis.work.wait(timeoutMs, signal);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  private runAckTake(workerId: string, ackIds: readonly string[], max: number): Promise<string[]> {
    const keys = [this.keys.workerQueue(workerId), this.keys.workerProcessing(workerId)];
    return this.redis.scripts.run<string[]>('ack-take', keys, [this.keys.notifyChannel, Math.max(0, max), ...ackIds]);
  }
}
