import type { Counter, Histogram } from 'prom-client';
import type { EventBus } from '../../core/index.ts';

type CounterFactory = <L extends string>(base: string, help: string, labelNames?: L[]) => Counter<L>;
type HistogramFactory = <L extends string>(
  base: string,
  help: string,
  labelNames: L[],
  buckets: number[],
) => Histogram<L>;

/**
 * Metrics derived from the event bus rather than from calls on the hot path. Only events of
 * this process count (`remote` ones are another process's, which exports them itself), so
 * summing a counter over every process of a cluster counts each event once.
 */
export class EventCounters {
  private readonly queueWait: Histogram<'task_type'>;
  private readonly retries: Counter<'task_type'>;
  private readonly dead: Counter<'task_type' | 'status'>;
  private readonly cancelled: Counter<'task_type'>;
  private readonly workersOffline: Counter;
  private readonly recovered: Counter;
  private readonly reloads: Counter<'result'>;

  constructor(counter: CounterFactory, histogram: HistogramFactory, waitBuckets: number[]) {
    this.queueWait = histogram(
      'task_queue_wait_seconds',
      'Time from when a task became due (created, or its delay or retry ended) until the leader dispatched it to a worker',
      ['task_type'],
      waitBuckets,
    );
    this.retries = counter('task_retries_total', 'Retries scheduled after a failed or timed-out attempt', [
      'task_type',
    ]);
    this.dead = counter('task_dead_total', 'Tasks that failed for good: FAILED or TIMEOUT with no retry left', [
      'task_type',
      'status',
    ]);
    this.cancelled = counter('task_cancelled_total', 'Tasks cancelled', ['task_type']);
    this.workersOffline = counter(
      'worker_offline_total',
      'Workers that went offline (stopped, or found dead by the leader)',
    );
    this.recovered = counter('task_recovered_total', 'Tasks of dead workers put back in the queue by the leader');
    this.reloads = counter('config_reloads_total', 'Config reloads, by result (applied, rejected, unchanged)', [
      'result',
    ]);
    // Present from the first scrape, so rate() and dashboards see 0 rather than no data.
    for (const result of ['applied', 'rejected', 'unchanged']) this.reloads.inc({ result }, 0);
  }

  /** Subscribes to the bus (this process's events only: each process exports its own); returns the function that unsubscribes. */
  subscribe(events: EventBus): () => void {
    const offs = [
      events.on(
        'task_assigned',
        (e) => {
          if (e.waitMs !== undefined && e.waitMs >= 0)
            this.queueWait.observe({ task_type: e.taskType }, e.waitMs / 1000);
        },
        LOCAL,
      ),
      events.on('task_retried', (e) => void this.retries.inc({ task_type: e.taskType }), LOCAL),
      events.on(
        'task_failed',
        (e) => {
          if (e.final) this.dead.inc({ task_type: e.taskType, status: e.status });
        },
        LOCAL,
      ),
      events.on('task_cancelled', (e) => void this.cancelled.inc({ task_type: e.taskType }), LOCAL),
      events.on(
        'worker_offline',
        (e) => {
          this.workersOffline.inc();
          if (e.recoveredTasks > 0) this.recovered.inc(e.recoveredTasks);
        },
        LOCAL,
      ),
      events.on('config_reloaded', (e) => void this.reloads.inc({ result: e.result }), LOCAL),
    ];
    return () => {
      for (const off of offs) off();
    };
  }
}

const LOCAL = { localOnly: true } as const;
