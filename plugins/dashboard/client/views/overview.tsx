import type { ComponentChildren } from 'preact';
import { call } from '../api.ts';
import { Sparkline } from '../components/sparkline.tsx';
import { count, duration, relative } from '../format.ts';
import { useLiveQuery, useNow } from '../hooks.ts';
import { BUCKET_MS, BUCKETS, meter } from '../meter.ts';
import { href } from '../router.ts';
import { STATUSES, type QueueLengths, type SchedulerStatus, type Stats, type Worker } from '../types.ts';

const isTaskEvent = (event: { task_id?: string }) => event.task_id !== undefined;
const isClusterEvent = (event: { event: string }) =>
  ['worker_online', 'worker_offline', 'leader_elected'].includes(event.event);

export function Overview() {
  const now = useNow(1_000);
  const stats = useLiveQuery((signal) => call<Stats>('/api/v1/stats', { signal }), [], {
    refreshOn: isTaskEvent,
    intervalMs: 5_000,
  });
  const queues = useLiveQuery((signal) => call<QueueLengths>('/api/v1/queues', { signal }), [], {
    refreshOn: isTaskEvent,
    intervalMs: 5_000,
  });
  const scheduler = useLiveQuery((signal) => call<SchedulerStatus>('/api/v1/scheduler', { signal }), [], {
    refreshOn: isClusterEvent,
    intervalMs: 10_000,
  });
  const workers = useLiveQuery((signal) => call<Worker[]>('/api/v1/workers', { signal }), [], {
    refreshOn: isClusterEvent,
    intervalMs: 5_000,
  });

  // The bucket still filling would draw a false drop at the end of the line.
  const series = meter.series(now).slice(0, -1);
  const latest = meter.recent(now);
  const online = workers.data?.filter((w) => w.healthy).length;
  const window = duration(BUCKETS * BUCKET_MS);

  return (
    <div class="overview">
      <section class="card" aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        <dl class="numbers">
          <Figure label="HIGH" value={queues.data?.high} />
          <Figure label="NORMAL" value={queues.data?.normal} />
          <Figure label="Delayed" value={queues.data?.delayed} />
          <Figure label="Claimed" value={queues.data?.claimed} />
        </dl>
      </section>

      <section class="card card-wide" aria-labelledby="statuses-title">
        <h2 id="statuses-title">Tasks by status</h2>
        <dl class="numbers">
          {STATUSES.map((status) => (
            <Figure
              key={status}
              label={<a href={href(['tasks'], { status })}>{status}</a>}
              value={stats.data?.tasks.by_status[status]}
              status={status}
            />
          ))}
          <Figure label="Total" value={stats.data?.tasks.total} />
        </dl>
      </section>

      <section class="card" aria-labelledby="throughput-title">
        <h2 id="throughput-title">Throughput</h2>
        <p class="big" data-testid="throughput">
          {(latest?.perSecond ?? 0).toFixed(1)} <small>tasks/s</small>
        </p>
        <Sparkline
          values={series.map((p) => p.perSecond)}
          label={`Completed tasks per second over the last ${window}`}
        />
        <p class="hint">Completed per second over 15 s; the line: the last {window} since this page opened</p>
      </section>

      <section class="card" aria-labelledby="failures-title">
        <h2 id="failures-title">Failure rate</h2>
        <p class="big" data-testid="failure-rate">
          {latest?.failureRate == null ? '—' : `${(latest.failureRate * 100).toFixed(0)} %`}
        </p>
        <Sparkline
          values={series.map((p) => (p.failureRate == null ? null : p.failureRate * 100))}
          max={100}
          label={`Failed share of finished attempts over the last ${window}`}
        />
        <p class="hint">Failed share of finished attempts over 15 s; the line: the last {window}</p>
      </section>

      <section class="card" aria-labelledby="leader-title">
        <h2 id="leader-title">Scheduler leader</h2>
        <p class="mono ellipsis" data-testid="leader" title={scheduler.data?.leader_id ?? ''}>
          {scheduler.data ? (scheduler.data.leader_id ?? 'none') : '—'}
        </p>
        <p class="hint">
          {scheduler.data?.leader_since
            ? `leading since ${relative(scheduler.data.leader_since, now).replace(' ago', '')}`
            : ' '}
        </p>
      </section>

      <section class="card" aria-labelledby="workers-title">
        <h2 id="workers-title">Workers online</h2>
        <p class="big" data-testid="workers-online">
          {online === undefined ? '—' : online} <small>of {workers.data?.length ?? '—'}</small>
        </p>
        <p class="hint">
          <a href={href(['workers'])}>Load and heartbeats</a>
        </p>
      </section>
      {[stats, queues, scheduler, workers].some((q) => q.error) && (
        <p class="error-line" role="alert">
          Some figures could not be read: {[stats, queues, scheduler, workers].find((q) => q.error)?.error?.message}
        </p>
      )}
    </div>
  );
}

function Figure({ label, value, status }: { label: ComponentChildren; value: number | undefined; status?: string }) {
  return (
    <div class={`number${status ? ` status-${status.toLowerCase()}` : ''}`}>
      <dt>{label}</dt>
      <dd>{count(value)}</dd>
    </div>
  );
}
