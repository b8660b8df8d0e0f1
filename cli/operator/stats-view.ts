/** What `taskmanager stats` shows: counts by status, queue lengths, the leader, workers online. */
import type {
  QueueLengths,
  SchedulerStatus,
  Stats,
  TaskManagerClient,
  TaskStatus,
} from '../../clients/typescript/src/index.ts';
import { paintStatus, relativeTime } from './format.ts';
import type { Colors } from './output.ts';
import { renderTable } from './table.ts';

export interface ClusterStats {
  tasks: Stats['tasks'];
  queues: QueueLengths;
  scheduler: SchedulerStatus;
  workers: { online: number; total: number };
}

const STATUS_ORDER: readonly TaskStatus[] = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'];

/** Four reads at once; each is a cheap call on the server. */
export async function gatherStats(client: TaskManagerClient): Promise<ClusterStats> {
  const [stats, queues, scheduler, workers] = await Promise.all([
    client.getStats(),
    client.getQueues(),
    client.getScheduler(),
    client.listWorkers(),
  ]);
  return {
    tasks: stats.tasks,
    queues,
    scheduler,
    workers: { online: workers.filter((w) => w.healthy).length, total: workers.length },
  };
}

export function renderStats(stats: ClusterStats, color: Colors, now: number = Date.now()): string[] {
  const heading = (text: string) => color.bold(text);
  const counts = stats.tasks.by_status;
  const tasks = renderTable(
    [counts],
    [
      ...STATUS_ORDER.map((status) => ({
        header: paintStatus(status, color),
        cell: (c: typeof counts) => String(c[status]),
        align: 'right' as const,
      })),
      { header: 'TOTAL', cell: () => String(stats.tasks.total), align: 'right' as const },
    ],
  );
  const { queues } = stats;
  const queueTable = renderTable(
    [queues],
    [
      { header: 'HIGH', cell: (q) => String(q.high), align: 'right' },
      { header: 'NORMAL', cell: (q) => String(q.normal), align: 'right' },
      { header: 'DELAYED', cell: (q) => String(q.delayed), align: 'right' },
      { header: 'CLAIMED', cell: (q) => String(q.claimed), align: 'right' },
    ],
    color.dim,
  );
  const perWorker = Object.entries(queues.workers).sort(([a], [b]) => a.localeCompare(b));
  const workerQueues = perWorker.length
    ? renderTable(
        perWorker,
        [
          { header: 'WORKER', cell: ([id]) => id },
          { header: 'QUEUED', cell: ([, w]) => String(w.queued), align: 'right' },
          { header: 'PROCESSING', cell: ([, w]) => String(w.processing), align: 'right' },
        ],
        color.dim,
      )
    : [];
  const { scheduler } = stats;
  const leader = scheduler.leader_id
    ? `${scheduler.leader_id}${scheduler.leader_since ? color.dim(` (since ${relativeTime(scheduler.leader_since, now)})`) : ''}`
    : color.red('none');
  const online =
    stats.workers.online === 0 ? color.red(String(stats.workers.online)) : color.green(String(stats.workers.online));
  const indent = (lines: string[]) => lines.map((line) => `  ${line}`);
  return [
    heading('Tasks'),
    ...indent(tasks),
    '',
    heading('Queues'),
    ...indent(queueTable),
    ...(workerQueues.length ? ['', ...indent(workerQueues)] : []),
    '',
    `${heading('Leader')}   ${leader}`,
    `${heading('Workers')}  ${online} online of ${stats.workers.total}`,
  ];
}
