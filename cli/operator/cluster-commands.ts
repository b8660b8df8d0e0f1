/** `taskmanager stats | workers | task-types | schedules`: the live state of the cluster. */
import type { CAC } from 'cac';
import { TaskManagerError, type Schedule, type TaskType, type Worker } from '../../clients/typescript/src/index.ts';
import { connect, withConnectionOptions, type ConnectionFlags } from './connection.ts';
import { CliFailure, EXIT } from './exit-codes.ts';
import { relativeTime } from './format.ts';
import { renderTable } from './table.ts';
import { watchStats } from './stats-watch.ts';
import { gatherStats, renderStats } from './stats-view.ts';

interface StatsFlags extends ConnectionFlags {
  watch?: boolean;
}

async function stats(flags: StatsFlags): Promise<void> {
  const session = connect(flags);
  if (flags.watch) return watchStats(session);
  const { client, out } = session;
  const current = await gatherStats(client);
  if (out.json) return out.document(current);
  for (const line of renderStats(current, out.color)) out.print(line);
}

async function workers(flags: ConnectionFlags): Promise<void> {
  const { client, out } = connect(flags);
  const listed = await client.listWorkers();
  if (out.json) return out.document(listed);
  if (listed.length === 0) return out.print(out.color.dim('no workers registered'));
  const { color } = out;
  const now = Date.now();
  const lines = renderTable<Worker>(
    listed,
    [
      { header: 'WORKER', cell: (w) => w.worker_id },
      {
        header: 'STATUS',
        cell: (w) => (w.healthy ? color.green(w.status) : color.red(w.status === 'ONLINE' ? 'UNHEALTHY' : w.status)),
      },
      { header: 'LOAD', cell: (w) => `${w.current_load}/${w.capacity}`, align: 'right' },
      { header: 'IN FLIGHT', cell: (w) => String(w.in_flight), align: 'right' },
      { header: 'WEIGHT', cell: (w) => String(w.weight), align: 'right' },
      { header: 'HEARTBEAT', cell: (w) => relativeTime(w.last_heartbeat, now) },
      { header: 'ADDRESS', cell: (w) => w.address || '-' },
      { header: 'TASK TYPES', cell: (w) => w.supported_types.join(',') },
    ],
    color.bold,
  );
  for (const line of lines) out.print(line);
}

async function taskTypes(flags: ConnectionFlags): Promise<void> {
  const { client, out } = connect(flags);
  const listed = await client.listTaskTypes();
  if (out.json) return out.document(listed);
  if (listed.length === 0) return out.print(out.color.dim('no task types'));
  const { color } = out;
  const lines = renderTable<TaskType>(
    listed,
    [
      { header: 'TASK TYPE', cell: (t) => t.task_type },
      { header: 'EXECUTOR', cell: (t) => t.executor_type },
      { header: 'ENABLED', cell: (t) => (t.enabled ? color.green('yes') : color.red('no')) },
      { header: 'TIMEOUT', cell: (t) => `${t.default_timeout} s`, align: 'right' },
      { header: 'RETRIES', cell: (t) => String(t.default_max_retry), align: 'right' },
      { header: 'RETRY DELAY', cell: (t) => `${t.retry_strategy.toLowerCase()} ${t.retry_delay} s` },
      {
        header: 'CONCURRENCY',
        cell: (t) => (t.max_concurrent === 0 ? 'no cap' : String(t.max_concurrent)),
        align: 'right',
      },
      { header: 'PAUSED', cell: (t) => (t.paused ? color.yellow('paused') : 'no') },
      {
        header: 'RATE LIMIT',
        cell: (t) => (t.rate_limit ? `${t.rate_limit.max} per ${t.rate_limit.per_seconds} s` : '-'),
      },
      { header: 'DESCRIPTION', cell: (t) => t.description ?? '' },
    ],
    color.bold,
  );
  for (const line of lines) out.print(line);
}

async function schedules(flags: ConnectionFlags): Promise<void> {
  const { client, out, url } = connect(flags);
  let listed: Schedule[];
  try {
    listed = await client.listSchedules();
  } catch (error) {
    if (error instanceof TaskManagerError && error.status === 404) {
      throw new CliFailure(
        `the server at ${url} has no schedules (GET /api/v1/schedules answered 404): it is a version without cron schedules`,
        EXIT.ERROR,
      );
    }
    throw error;
  }
  if (out.json) return out.document(listed);
  if (listed.length === 0) return out.print(out.color.dim('no schedules'));
  const now = Date.now();
  const lines = renderTable<Schedule>(
    listed,
    [
      { header: 'SCHEDULE', cell: (s) => s.schedule_id },
      { header: 'CRON', cell: (s) => s.cron },
      { header: 'TIMEZONE', cell: (s) => s.timezone },
      { header: 'TASK TYPE', cell: (s) => s.task.task_type },
      { header: 'STATE', cell: (s) => (s.enabled ? out.color.green('active') : out.color.yellow('paused')) },
      { header: 'NEXT RUN', cell: (s) => (s.next_run_at ? relativeTime(s.next_run_at, now) : '-') },
      { header: 'LAST RUN', cell: (s) => (s.last_run_at ? relativeTime(s.last_run_at, now) : '-') },
    ],
    out.color.bold,
  );
  for (const line of lines) out.print(line);
}

export function registerClusterCommands(cli: CAC): void {
  withConnectionOptions(cli.command('stats', 'Task counts by status, queue lengths, the leader and workers online'))
    .option('--watch', 'refresh every second until Ctrl-C (with --json: one document per line)')
    .action(stats);
  withConnectionOptions(cli.command('workers', 'Registered workers: health, load, heartbeat')).action(workers);
  withConnectionOptions(cli.command('task-types', 'Task types: executor, timeout, retries, concurrency')).action(
    taskTypes,
  );
  withConnectionOptions(cli.command('schedules', 'Cron schedules (servers that have them)')).action(schedules);
}
