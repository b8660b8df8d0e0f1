import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsPort, TaskStatus } from '../../core/index.ts';

export interface PrometheusMetricsSettings {
  prefix: string;
  defaultMetrics: boolean;
  /** Histogram buckets of task_duration_seconds, in seconds. */
  durationBuckets: number[];
}

/** Failure reasons become label values; a long free-text reason must not explode cardinality. */
const MAX_REASON_LENGTH = 64;

/**
 * MetricsPort over prom-client with its own Registry: never the global one, so several apps
 * in one process (tests, embedded use) keep separate counters.
 */
export class PrometheusMetrics implements MetricsPort {
  readonly registry = new Registry();
  private readonly taskCreated: Counter<'task_type'>;
  private readonly taskDuration: Histogram<'task_type' | 'status'>;
  private readonly taskCompleted: Counter<'task_type' | 'status'>;
  private readonly taskFailed: Counter<'task_type' | 'reason'>;
  private readonly workerLoad: Gauge<'worker_id'>;
  private readonly workerOnline: Gauge<'worker_id'>;
  private readonly queueLength: Gauge<'queue'>;
  private readonly schedulerIsLeader: Gauge<'scheduler_id'>;
  private readonly tasksDeleted: Counter<'status'>;

  constructor(settings: PrometheusMetricsSettings) {
    const registers = [this.registry];
    const name = (base: string) => `${settings.prefix}${base}`;
    this.taskCreated = new Counter({
      name: name('task_created_total'),
      help: 'Tasks created',
      labelNames: ['task_type'],
      registers,
    });
    this.taskDuration = new Histogram({
      name: name('task_duration_seconds'),
      help: 'Task execution time, from start to the final outcome of the attempt',
      labelNames: ['task_type', 'status'],
      buckets: settings.durationBuckets,
      registers,
    });
    this.taskCompleted = new Counter({
      name: name('task_completed_total'),
      help: 'Task attempts finished, by outcome status',
      labelNames: ['task_type', 'status'],
      registers,
    });
    this.taskFailed = new Counter({
      name: name('task_failed_total'),
      help: 'Task failures, by reason',
      labelNames: ['task_type', 'reason'],
      registers,
    });
    this.workerLoad = new Gauge({
      name: name('worker_load'),
      help: 'Tasks queued and running on a worker',
      labelNames: ['worker_id'],
      registers,
    });
    this.workerOnline = new Gauge({
      name: name('worker_online'),
      help: '1 while a worker is online, 0 once it went offline',
      labelNames: ['worker_id'],
      registers,
    });
    this.queueLength = new Gauge({
      name: name('queue_length'),
      help: 'Tasks waiting in a queue',
      labelNames: ['queue'],
      registers,
    });
    this.schedulerIsLeader = new Gauge({
      name: name('scheduler_is_leader'),
      help: '1 while this scheduler holds the leader lock',
      labelNames: ['scheduler_id'],
      registers,
    });
    this.tasksDeleted = new Counter({
      name: name('tasks_deleted_total'),
      help: 'Finished tasks deleted by retention, with their logs',
      labelNames: ['status'],
      registers,
    });
    if (settings.defaultMetrics) {
      // prom-client 15 collects these on scrape: no interval to clear later.
      collectDefaultMetrics({ register: this.registry, prefix: settings.prefix });
    }
  }

  recordTaskCreated(taskType: string, count = 1): void {
    this.taskCreated.inc({ task_type: taskType }, count);
  }

  recordTaskCompleted(taskType: string, durationSeconds: number, status: TaskStatus): void {
    this.taskCompleted.inc({ task_type: taskType, status });
    if (Number.isFinite(durationSeconds) && durationSeconds >= 0) {
      this.taskDuration.observe({ task_type: taskType, status }, durationSeconds);
    }
  }

  recordTaskFailed(taskType: string, reason: string): void {
    this.taskFailed.inc({ task_type: taskType, reason: reason.slice(0, MAX_REASON_LENGTH) });
  }

  recordWorkerRegistered(workerId: string): void {
    this.workerOnline.set({ worker_id: workerId }, 1);
  }

  recordWorkerOffline(workerId: string): void {
    this.workerOnline.set({ worker_id: workerId }, 0);
    // A dead worker has no load; dropping the series keeps restarted-worker ids from piling up.
    this.workerLoad.remove({ worker_id: workerId });
  }

  recordWorkerLoad(workerId: string, load: number): void {
    this.workerLoad.set({ worker_id: workerId }, load);
  }

  recordQueueLength(queue: string, length: number): void {
    this.queueLength.set({ queue }, length);
  }

  recordTasksDeleted(status: TaskStatus, count: number): void {
    this.tasksDeleted.inc({ status }, count);
  }

  recordSchedulerElection(schedulerId: string, isLeader: boolean): void {
    this.schedulerIsLeader.set({ scheduler_id: schedulerId }, isLeader ? 1 : 0);
  }

  /** The exposition text and its content type, for any HTTP front. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
