import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertNotificationResult, MetricsPort, StoragePoolUsage, TaskStatus } from '../../core/index.ts';
import { ClusterGauges } from './cluster-gauges.ts';
import { EventCounters } from './event-counters.ts';

export interface PrometheusMetricsSettings {
  prefix: string;
  defaultMetrics: boolean;
  /** Histogram buckets of task_duration_seconds, in seconds. */
  durationBuckets: number[];
  /** How long one collector (sampled values) may take before a scrape goes on without it. */
  collectTimeoutMs?: number;
  /** Told when a collector fails; its previous samples stay. */
  onCollectError?: (error: unknown) => void;
}

/** Failure reasons become label values; a long free-text reason must not explode cardinality. */
const MAX_REASON_LENGTH = 64;
/** Scheduling rounds and storage queries: 0.5 ms … 5 s. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Queue wait, from due to dispatched: 1 ms … 10 min. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

type Collector = () => void | Promise<void>;

/**
 * MetricsPort over prom-client with its own Registry: never the global one, so several apps
 * in one process (tests, embedded use) keep separate counters. The metric names are listed
 * in plugins/metrics-prometheus/README.md.
 */
export class PrometheusMetrics implements MetricsPort {
  readonly registry = new Registry();
  /** Counters fed by the event bus (event-metrics.ts). */
  readonly events: EventCounters;
  /** Cluster-wide gauges sampled by the leader at scrape time (cluster-sampler.ts). */
  readonly cluster: ClusterGauges;
  private readonly collectors = new Set<Collector>();
  private readonly collectTimeoutMs: number;
  private defaultMetricsOn = false;
  private readonly taskCreated: Counter<'task_type'>;
  private readonly taskDuration: Histogram<'task_type' | 'status'>;
  private readonly taskCompleted: Counter<'task_type' | 'status'>;
  private readonly taskFailed: Counter<'task_type' | 'reason'>;
  private readonly workerLoad: Gauge<'worker_id'>;
  private readonly workerOnline: Gauge<'worker_id'>;
  private readonly queueLength: Gauge<'queue'>;
  private readonly schedulerIsLeader: Gauge<'scheduler_id'>;
  private readonly elections: Counter;
  private readonly rounds: Counter;
  private readonly roundErrors: Counter;
  private readonly roundDuration: Histogram;
  private readonly dispatched: Counter;
  private readonly storageQueryDuration: Histogram<'storage' | 'operation'>;
  private readonly storageQueryErrors: Counter<'storage' | 'operation'>;
  private readonly poolConnections: Gauge<'storage' | 'state'>;
  private readonly poolMax: Gauge<'storage'>;
  private readonly poolWaiting: Gauge<'storage'>;
  private readonly dependencyErrors: Counter<'dependency' | 'kind'>;
  private readonly dependencyReconnects: Counter<'dependency' | 'connection'>;
  private readonly alertNotifications: Counter<'result'>;
  private readonly tasksDeleted: Counter<'status'>;
  private readonly scheduleFires: Counter<'schedule_id' | 'outcome'>;
  private readonly taskTypePaused: Gauge<'task_type'>;
  private readonly rateLimited: Counter<'task_type'>;
  private pausedShown = new Set<string>();

  constructor(private readonly settings: PrometheusMetricsSettings) {
    const registers = [this.registry];
    const name = (base: string) => `${settings.prefix}${base}`;
    const counter = <L extends string>(base: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: name(base), help, labelNames, registers });
    const gauge = <L extends string>(base: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name: name(base), help, labelNames, registers });
    const histogram = <L extends string>(base: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name: name(base), help, labelNames, buckets, registers });
    this.collectTimeoutMs = settings.collectTimeoutMs ?? 2_000;

    this.taskCreated = counter('task_created_total', 'Tasks created', ['task_type']);
    this.taskDuration = histogram(
      'task_duration_seconds',
      'Task execution time, from start to the final outcome of the attempt',
      ['task_type', 'status'],
      settings.durationBuckets,
    );
    this.taskCompleted = counter('task_completed_total', 'Task attempts finished, by outcome status', [
      'task_type',
      'status',
    ]);
    this.taskFailed = counter('task_failed_total', 'Failed task attempts, by reason (error, non_retryable, timeout)', [
      'task_type',
      'reason',
    ]);
    this.workerLoad = gauge('worker_load', "Tasks running on this process's worker, at its last heartbeat", [
      'worker_id',
    ]);
    this.workerOnline = gauge('worker_online', '1 while a worker is online, 0 once it went offline', ['worker_id']);
    this.queueLength = gauge(
      'queue_length',
      'Task ids waiting in a queue (high, normal, delayed, claimed); exported by the leader',
      ['queue'],
    );
    this.schedulerIsLeader = gauge('scheduler_is_leader', '1 while this scheduler holds the leader lock', [
      'scheduler_id',
    ]);
    this.elections = counter('scheduler_leader_elections_total', "Times this process's scheduler became leader");
    this.rounds = counter('scheduler_rounds_total', 'Dispatch rounds run by the leader');
    this.roundErrors = counter('scheduler_round_errors_total', 'Dispatch rounds that failed (and were retried)');
    this.roundDuration = histogram(
      'scheduler_round_duration_seconds',
      'Time one dispatch round took',
      [],
      FAST_BUCKETS,
    );
    this.dispatched = counter('scheduler_dispatched_tasks_total', 'Tasks the leader dispatched to workers');
    this.storageQueryDuration = histogram(
      'storage_query_duration_seconds',
      'Storage round trips (queries and transactions), by kind of statement',
      ['storage', 'operation'],
      FAST_BUCKETS,
    );
    this.storageQueryErrors = counter('storage_query_errors_total', 'Storage round trips that failed', [
      'storage',
      'operation',
    ]);
    this.poolConnections = gauge('storage_pool_connections', 'Connections of the storage pool, in use or idle', [
      'storage',
      'state',
    ]);
    this.poolMax = gauge('storage_pool_max_connections', 'Size limit of the storage pool', ['storage']);
    this.poolWaiting = gauge('storage_pool_waiting_requests', 'Callers waiting for a storage connection', ['storage']);
    this.dependencyErrors = counter('dependency_errors_total', 'Failed calls to a dependency (redis, mysql), by kind', [
      'dependency',
      'kind',
    ]);
    this.dependencyReconnects = counter(
      'dependency_reconnects_total',
      'Dependency connections re-established after a drop',
      ['dependency', 'connection'],
    );
    this.alertNotifications = counter(
      'alert_notifications_total',
      'Alert notifications, by result (sent, failed, dropped, suppressed)',
      ['result'],
    );
    this.tasksDeleted = counter('tasks_deleted_total', 'Finished tasks deleted by retention, with their logs', [
      'status',
    ]);
    this.scheduleFires = counter(
      'schedule_fires_total',
      'Schedule fires: tasks created, missed fire times skipped after downtime, fires that failed',
      ['schedule_id', 'outcome'],
    );
    this.taskTypePaused = gauge('task_type_paused', '1 while the task type is paused (as the leader sees it)', [
      'task_type',
    ]);
    this.rateLimited = counter(
      'tasks_rate_limited_total',
      "Dispatches held back to a later window by their task type's rate limit",
      ['task_type'],
    );
    this.events = new EventCounters(counter, histogram, WAIT_BUCKETS);
    this.cluster = new ClusterGauges(gauge, this.queueLength);
  }

  /** Node process metrics (CPU, memory, event loop lag, GC); from start, since they keep a timer. */
  enableDefaultMetrics(): void {
    if (!this.settings.defaultMetrics || this.defaultMetricsOn) return;
    this.defaultMetricsOn = true;
    collectDefaultMetrics({ register: this.registry, prefix: this.settings.prefix });
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

  recordScheduleFires(scheduleId: string, outcome: 'created' | 'skipped' | 'failed', count: number): void {
    this.scheduleFires.inc({ schedule_id: scheduleId, outcome }, count);
  }

  recordPausedTaskTypes(taskTypes: readonly string[]): void {
    const now = new Set(taskTypes);
    for (const type of this.pausedShown) if (!now.has(type)) this.taskTypePaused.set({ task_type: type }, 0);
    for (const type of now) this.taskTypePaused.set({ task_type: type }, 1);
    this.pausedShown = now;
  }

  recordRateLimited(taskType: string, count: number): void {
    this.rateLimited.inc({ task_type: taskType }, count);
  }

  recordSchedulerElection(schedulerId: string, isLeader: boolean): void {
    this.schedulerIsLeader.set({ scheduler_id: schedulerId }, isLeader ? 1 : 0);
    if (isLeader) this.elections.inc();
  }

  recordSchedulingRound(dispatched: number, durationSeconds: number, ok: boolean): void {
    this.rounds.inc();
    if (!ok) this.roundErrors.inc();
    if (dispatched > 0) this.dispatched.inc(dispatched);
    this.roundDuration.observe(durationSeconds);
  }

  recordStorageQuery(storage: string, operation: string, durationSeconds: number, ok: boolean): void {
    this.storageQueryDuration.observe({ storage, operation }, durationSeconds);
    if (!ok) this.storageQueryErrors.inc({ storage, operation });
  }

  recordStoragePool(storage: string, usage: StoragePoolUsage): void {
    this.poolConnections.set({ storage, state: 'in_use' }, usage.inUse);
    this.poolConnections.set({ storage, state: 'idle' }, usage.idle);
    this.poolMax.set({ storage }, usage.max);
    this.poolWaiting.set({ storage }, usage.waiting);
  }

  recordDependencyError(dependency: string, kind: string): void {
    this.dependencyErrors.inc({ dependency, kind });
  }

  recordDependencyReconnect(dependency: string, connection: string): void {
    this.dependencyReconnects.inc({ dependency, connection });
  }

  recordAlertNotification(result: AlertNotificationResult): void {
    this.alertNotifications.inc({ result });
  }

  onCollect(collect: Collector): () => void {
    this.collectors.add(collect);
    return () => this.collectors.delete(collect);
  }

  /** Runs the collectors (each bounded in time), then renders the exposition text. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    await Promise.all([...this.collectors].map((collect) => this.runCollector(collect)));
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  private async runCollector(collect: Collector): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A slow dependency must not hang the scrape: its samples are simply left as they were.
      await Promise.race([collect(), new Promise((resolve) => (timer = setTimeout(resolve, this.collectTimeoutMs)))]);
    } catch (error) {
      this.settings.onCollectError?.(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
