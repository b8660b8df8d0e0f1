import type { Task } from '../../domain/task.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkerQueue } from '../../ports/queue.ts';
import type { StoragePort } from '../../ports/storage.ts';
import { delay } from '../delay.ts';
import type { LocalHandoff } from '../local-handoff.ts';
import { AckBatcher } from './ack-batcher.ts';
import type { RunningTasks } from './running-tasks.ts';

/** Ids one take may move beyond the free slots (what the leader queued for us, see take). */
const TAKE_AHEAD = 1_000;

/** Cancel signals remembered for tasks not running here (see rememberCancel). */
const MAX_REMEMBERED_CANCELS = 10_000;

/** How long acks wait for a take to carry them before they go out alone (see AckBatcher). */
const ACK_DELAY_MS = 10;

export interface ConsumeLoopParams {
  workerId: string;
  queue: WorkerQueue;
  storage: StoragePort;
  handoff: LocalHandoff;
  running: RunningTasks;
  log: Logger;
  /** Read at every turn: a config reload may change it. */
  capacity: () => number;
  /** How long one blocking take waits before the loop checks for shutdown. */
  takeWaitMs: () => number;
  /** false once the worker stops: an audit then does nothing. */
  isActive: () => boolean;
  /** Starts one task in a free slot. */
  start: (task: Task) => void;
}

/**
 * The worker's consume loop: takes from its own queue (carrying the acks due), reads the taken
 * tasks, starts them into free slots, and audits its processing list. It holds what a worker
 * has taken and not yet started, and what it has finished and not yet acked.
 */
export class ConsumeLoop {
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly acks: AckBatcher;
  /** Tasks taken and read, waiting for a free slot, oldest first. */
  private ready: Task[] = [];
  /** Ids taken whose read failed: read again before taking more. */
  private unread: string[] = [];
  /** Tasks cancelled while they waited in `ready`: acked instead of started. */
  private readonly cancelledWaiting = new Set<string>();
  /** A take is in flight (possibly parked on an empty queue): acks due now cannot ride on it. */
  private taking = false;
  /** Takes started so far: an audit that overlapped one is void (see audit). */
  private takes = 0;
  /** Every id taken from our queue and not yet acked: what our processing list should hold. */
  private readonly held = new Set<string>();
  /** A take or a start failed: ids may be in our processing list that we do not know of. */
  private auditDue = false;

  constructor(private readonly params: ConsumeLoopParams) {
    this.acks = new AckBatcher((ids) => this.ack(ids), ACK_DELAY_MS, params.log);
  }

  start(): void {
    this.loop ??= this.consume();
  }

  /** Stops taking work; resolves when the loop has left (running tasks go on). */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.params.running.wakeSlot();
    await this.loop;
  }

  /**
   * Sends what is still due, and no timer is left to fire after stop. Tasks taken but never
   * started are forgotten here: they are in our processing list, which the worker's final
   * drain returns.
   */
  async close(): Promise<void> {
    await this.acks.flush();
    this.ready = [];
    this.unread = [];
  }

  /** Outcomes written durably: their ids are acked, with the next take or shortly on their own. */
  finished(taskIds: string[]): void {
    this.acks.add(taskIds, this.taking);
  }

  /**
   * A cancel for a task not running here: it may be on its way to us (taken but not read, or
   * handed over by our leader after storage already said CANCELLED), and is then acked instead
   * of started. Bounded: the oldest are forgotten first.
   */
  rememberCancel(taskId: string): void {
    this.cancelledWaiting.add(taskId);
    if (this.cancelledWaiting.size > MAX_REMEMBERED_CANCELS) {
      const oldest = this.cancelledWaiting.values().next().value;
      if (oldest !== undefined) this.cancelledWaiting.delete(oldest);
    }
  }

  /** The heartbeat audits the processing list; should that fail, the loop audits before its next take. */
  async auditOrRetryLater(): Promise<void> {
    await this.audit().catch(() => (this.auditDue = true));
  }

  private async consume(): Promise<void> {
    const stop = this.stopController.signal;
    const { running } = this.params;
    while (!stop.aborted) {
      const free = this.params.capacity() - running.size;
      if (free <= 0) {
        await running.waitForSlot();
        continue;
      }
      try {
        if (this.auditDue) await this.audit();
        if (this.unread.length > 0) await this.read(this.unread.splice(0));
        else if (this.ready.length === 0) {
          const ids = await this.take(free + TAKE_AHEAD, stop);
          if (ids.length > 0) await this.read(ids);
        }
        this.startReady(free);
      } catch (error) {
        if (stop.aborted) break;
        // The ids of a take whose answer was lost are still in our processing list: the
        // audit finds them once the queue answers again.
        this.auditDue = true;
        this.params.log.error({ err: error }, 'taking tasks failed; retrying');
        await delay(500, stop);
      }
    }
  }

  /**
   * Takes up to `max` ids, carrying the acks due (one round trip for both: a finished task is
   * usually followed by a take); when the queue is empty, waits up to takeWait. It takes more
   * than the free slots: whatever the leader queued for us is ours to run (the leader sizes
   * that, see AdaptiveRoom), and one take and one read serve the whole lot.
   */
  private async take(max: number, stop: AbortSignal): Promise<string[]> {
    const acks = this.acks.takeDue();
    this.taking = true;
    this.takes++;
    try {
      const ids = await this.params.queue.ackAndTake(this.params.workerId, acks, max, this.params.takeWaitMs(), stop);
      this.forget(acks);
      for (const id of ids) this.held.add(id);
      return ids;
    } catch (error) {
      this.acks.restore(acks);
      throw error;
    } finally {
      this.taking = false;
    }
  }

  /**
   * Reads the taken tasks in one storage call; those still PROCESSING for us are ready to run,
   * the others (cancelled, recovered to another worker, deleted while queued) are acked.
   * A read that fails keeps its ids for the next attempt.
   */
  private async read(ids: string[]): Promise<void> {
    const { handoff, workerId } = this.params;
    // What the leader of this process just wrote for us needs no read-back.
    const handed: Task[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const task = handoff.take(id, workerId);
      if (task) handed.push(task);
      else unknown.push(id);
    }
    let tasks: Task[] = [];
    if (unknown.length > 0) {
      try {
        tasks = await this.params.storage.getTasks(unknown);
      } catch (error) {
        for (const task of handed) handoff.put(task);
        this.unread.unshift(...ids);
        throw error;
      }
    }
    const byId = new Map(tasks.map((t) => [t.taskId, t]));
    for (const task of handed) byId.set(task.taskId, task);
    const stale: string[] = [];
    for (const id of ids) {
      const task = byId.get(id);
      if (task?.status !== 'PROCESSING' || task.workerId !== workerId) stale.push(id);
      else this.ready.push(task);
    }
    // Ridden on the next take (or sent alone shortly): a failure keeps them due.
    if (stale.length > 0) this.acks.add(stale, this.taking);
  }

  /** Starts ready tasks into the free slots; a task cancelled while it waited is only acked. */
  private startReady(free: number): void {
    let started = 0;
    while (started < free && this.ready.length > 0) {
      const task = this.ready.shift()!;
      if (this.cancelledWaiting.delete(task.taskId)) {
        this.acks.add([task.taskId], this.taking);
        continue;
      }
      this.params.start(task);
      started++;
    }
  }

  private async ack(ids: string[]): Promise<void> {
    await this.params.queue.ack(this.params.workerId, ids);
    this.forget(ids);
  }

  /** Acked: no longer ours in any way. */
  private forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.held.delete(id);
      this.cancelledWaiting.delete(id);
    }
  }

  /**
   * Ids in our processing list that we do not hold were moved by a take whose answer never
   * arrived (the connection dropped mid-call): they are read and started like any other.
   * Skipped, and retried later, when a take overlaps it: that take's ids could not be told
   * from lost ones.
   */
  private async audit(): Promise<void> {
    if (!this.params.isActive() || this.taking) return;
    const takes = this.takes;
    const listed = await this.params.queue.processingIds(this.params.workerId);
    this.auditDue = false;
    if (this.taking || this.takes !== takes) return;
    const lost = listed.filter((id) => !this.held.has(id));
    if (lost.length === 0) return;
    this.params.log.warn({ tasks: lost.length }, 'found taken tasks this worker did not know of; starting them');
    for (const id of lost) {
      this.held.add(id);
      this.unread.push(id);
    }
    this.params.running.wakeSlot();
  }
}
