/** A task, its log and a list of tasks as human text. */
import type { Task, TaskLog } from '../../clients/typescript/src/index.ts';
import { between, compactJson, duration, paintStatus, priorityName, relativeTime } from './format.ts';
import type { Colors } from './output.ts';
import { renderTable, type Column } from './table.ts';

/** "3 s ago (2026-01-01T10:00:00.000Z)". */
function when(iso: string | null, now: number): string {
  return iso ? `${relativeTime(iso, now)} (${iso})` : '-';
}

/** Every field of one task, a label per line; payload and result as indented JSON. */
export function renderTask(task: Task, color: Colors, now: number = Date.now()): string[] {
  const ran = between(task.started_at, task.completed_at);
  const fields: Array<[string, string]> = [
    ['task_id', task.task_id],
    ['task_type', task.task_type],
    ['status', paintStatus(task.status, color)],
    ['priority', priorityName(task.priority)],
    ['retries', `${task.retry_count} of ${task.max_retry}`],
    ['timeout', `${task.timeout} s`],
    ['worker', task.worker_id ?? '-'],
    ['created', when(task.created_at, now)],
    ['scheduled', when(task.scheduled_at, now)],
    ['started', when(task.started_at, now)],
    ['completed', when(task.completed_at, now) + (ran === undefined ? '' : `, ran ${duration(ran)}`)],
  ];
  if (task.progress)
    fields.push(['progress', `${task.progress.percent}%${task.progress.message ? ` ${task.progress.message}` : ''}`]);
  if (task.error_msg) fields.push(['error', color.red(task.error_msg)]);
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = fields.map(([label, value]) => `${color.dim(label.padEnd(width))}  ${value}`);
  const block = (label: string, value: unknown) => {
    lines.push(
      color.dim(label),
      ...JSON.stringify(value, null, 2)
        .split('\n')
        .map((line) => `  ${line}`),
    );
  };
  block('payload', task.payload);
  if (task.result !== null && task.result !== undefined) block('result', task.result);
  return lines;
}

/** One line per task, newest first as listed. */
export function renderTaskList(tasks: readonly Task[], color: Colors, now: number = Date.now()): string[] {
  const columns: Column<Task>[] = [
    { header: 'TASK ID', cell: (t) => t.task_id },
    { header: 'TYPE', cell: (t) => t.task_type },
    { header: 'STATUS', cell: (t) => paintStatus(t.status, color) },
    { header: 'PRIORITY', cell: (t) => priorityName(t.priority) },
    { header: 'RETRIES', cell: (t) => `${t.retry_count}/${t.max_retry}`, align: 'right' },
    { header: 'WORKER', cell: (t) => t.worker_id ?? '-' },
    { header: 'CREATED', cell: (t) => relativeTime(t.created_at, now) },
    { header: 'UPDATED', cell: (t) => relativeTime(t.updated_at, now) },
  ];
  return renderTable(tasks, columns, color.bold);
}

function transition(log: TaskLog, color: Colors): string {
  if (!log.to_status) return '-';
  const to = paintStatus(log.to_status, color);
  return log.from_status ? `${log.from_status} → ${to}` : to;
}

/** The log rows oldest first, the error detail (a stack, a response) under its row. */
export function renderTaskLogs(logs: readonly TaskLog[], color: Colors, now: number = Date.now()): string[] {
  const columns: Column<TaskLog>[] = [
    { header: 'WHEN', cell: (l) => relativeTime(l.created_at, now) },
    { header: 'KIND', cell: (l) => (l.log_type === 'ERROR' ? color.red(l.log_type) : l.log_type) },
    { header: 'STATUS', cell: (l) => transition(l, color) },
    { header: 'WORKER', cell: (l) => l.worker_id ?? '-' },
    { header: 'MESSAGE', cell: (l) => l.message },
  ];
  const [header, ...rows] = renderTable(logs, columns, color.bold);
  const lines = [header!];
  rows.forEach((row, i) => {
    lines.push(row);
    const detail = logs[i]!.error_detail;
    if (detail) lines.push(...detail.split('\n').map((line) => color.dim(`    ${line}`)));
  });
  return lines;
}

/** A task as one short line: id, status, and what explains it. */
export function summarizeTask(task: Task, color: Colors): string {
  const ran = between(task.started_at, task.completed_at);
  const parts = [task.task_id, paintStatus(task.status, color)];
  if (task.status === 'SUCCESS' && ran !== undefined) parts.push(color.dim(`in ${duration(ran)}`));
  if (task.status === 'SUCCESS' && task.result !== null && task.result !== undefined)
    parts.push(compactJson(task.result, 200));
  if (task.error_msg && task.status !== 'SUCCESS') parts.push(color.red(task.error_msg));
  return parts.join('  ');
}
