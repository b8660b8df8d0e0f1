import { useState } from 'preact/hooks';
import { call, withQuery } from '../api.ts';
import type { Capabilities } from '../capabilities.ts';
import { Bar } from '../components/bar.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { dateTime, priorityName, relative, shortId } from '../format.ts';
import { useLiveQuery, useNow, type LiveQuery } from '../hooks.ts';
import { href, navigate, type Route } from '../router.ts';
import { STATUSES, type LiveEvent, type TaskPage, type TaskType, type Worker } from '../types.ts';
import { BulkActions } from './bulk-actions.tsx';

const PAGE_SIZE = 25;
export const FILTER_KEYS = ['status', 'task_type', 'priority', 'worker_id', 'created_from', 'created_to'] as const;
export type TaskFilters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const STATUS_CHOICES: [string, string][] = [
  ['', 'Any status'],
  ['PENDING,PROCESSING', 'Active (PENDING or PROCESSING)'],
  ['FAILED,TIMEOUT', 'Failed or timed out'],
  ...STATUSES.map((s): [string, string] => [s, s]),
];

export function filtersOf(route: Route): TaskFilters {
  const filters: TaskFilters = {};
  for (const key of FILTER_KEYS) {
    const value = route.query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** `datetime-local` works in local time without a zone; the API wants RFC 3339. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

export function TasksView({ route, capabilities }: { route: Route; capabilities: Capabilities }) {
  const filters = filtersOf(route);
  const filterKey = JSON.stringify(filters);
  // The cursors of the pages seen, for these filters only: new filters start at page one.
  const [paging, setPaging] = useState<{ filterKey: string; cursors: (string | undefined)[] }>({
    filterKey,
    cursors: [undefined],
  });
  const cursors = paging.filterKey === filterKey ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setPaging({ filterKey, cursors: next });
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const now = useNow(5_000);

  const types = useLiveQuery((signal) => call<TaskType[]>('/api/v1/task-types', { signal }), []);
  const workers = useLiveQuery((signal) => call<Worker[]>('/api/v1/workers', { signal }), [], { intervalMs: 30_000 });
  const tasks: LiveQuery<TaskPage> = useLiveQuery(
    (signal) =>
      call<TaskPage>(withQuery('/api/v1/tasks', { ...filters, limit: String(PAGE_SIZE), cursor }), { signal }),
    [filterKey, cursor],
    {
      refreshOn: (event: LiveEvent): boolean => {
        if (event.task_id === undefined) return false;
        if (filters.task_type && event.task_type !== filters.task_type) return false;
        // Page one shows new tasks as they come; later pages only refresh the rows they show.
        return page === 0 || (tasks.data?.items.some((t) => t.task_id === event.task_id) ?? false);
      },
      intervalMs: 15_000,
    },
  );

  const setFilter = (key: keyof TaskFilters, value: string | undefined) => {
    const next: Record<string, string | undefined> = { ...filters, [key]: value || undefined };
    navigate(href(['tasks'], next), { replace: true });
  };

  const items = tasks.data?.items ?? [];
  return (
    <div class="tasks">
      <form class="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            name="status"
            value={filters.status ?? ''}
            onChange={(e) => setFilter('status', e.currentTarget.value)}
          >
            {STATUS_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
            {filters.status && !STATUS_CHOICES.some(([value]) => value === filters.status) && (
              <option value={filters.status}>{filters.status}</option>
            )}
          </select>
        </label>
        <label>
          Type
          <select
            name="task_type"
            value={filters.task_type ?? ''}
            onChange={(e) => setFilter('task_type', e.currentTarget.value)}
          >
            <option value="">Any type</option>
            {(types.data ?? []).map((t) => (
              <option key={t.task_type} value={t.task_type}>
                {t.task_type}
              </option>
            ))}
            {filters.task_type && !types.data?.some((t) => t.task_type === filters.task_type) && (
              <option value={filters.task_type}>{filters.task_type}</option>
            )}
          </select>
        </label>
        <label>
          Priority
          <select
            name="priority"
            value={filters.priority ?? ''}
            onChange={(e) => setFilter('priority', e.currentTarget.value)}
          >
            <option value="">Any priority</option>
            <option value="1">HIGH</option>
            <option value="0">NORMAL</option>
          </select>
        </label>
        <label>
          Worker
          <input
            name="worker_id"
            list="worker-ids"
            value={filters.worker_id ?? ''}
            placeholder="Any worker"
            onChange={(e) => setFilter('worker_id', e.currentTarget.value.trim())}
          />
          <datalist id="worker-ids">
            {(workers.data ?? []).map((w) => (
              <option key={w.worker_id} value={w.worker_id} />
            ))}
          </datalist>
        </label>
        <label>
          Created from
          <input
            type="datetime-local"
            name="created_from"
            value={toLocalInput(filters.created_from)}
            onChange={(e) => setFilter('created_from', fromLocalInput(e.currentTarget.value))}
          />
        </label>
        <label>
          Created to
          <input
            type="datetime-local"
            name="created_to"
            value={toLocalInput(filters.created_to)}
            onChange={(e) => setFilter('created_to', fromLocalInput(e.currentTarget.value))}
          />
        </label>
        <button
          type="button"
          class="secondary"
          onClick={() => navigate(href(['tasks']), { replace: true })}
          disabled={Object.keys(filters).length === 0}
        >
          Clear filters
        </button>
      </form>

      {capabilities.bulkActions && <BulkActions filters={filters} onDone={tasks.reload} />}

      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled={page === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span aria-live="polite">Page {page + 1}</span>
        <button
          type="button"
          class="secondary"
          disabled={!tasks.data?.next_cursor}
          onClick={() => setCursors([...cursors, tasks.data?.next_cursor ?? undefined])}
        >
          Older →
        </button>
      </nav>

      {tasks.error && (
        <p class="error-line" role="alert">
          {tasks.error.message}
        </p>
      )}
      <table class="grid task-table" aria-busy={tasks.loading}>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Progress</th>
            <th scope="col">Worker</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {/* Rows keyed by position: a new task changes the rows' text, it does not move them (no layout shift). */}
          {items.map((task, index) => (
            <tr key={index} data-task-id={task.task_id}>
              <td data-label="Task">
                <a class="mono" href={href(['tasks', task.task_id])} title={task.task_id}>
                  {shortId(task.task_id)}
                </a>
              </td>
              <td data-label="Type">{task.task_type}</td>
              <td data-label="Status">
                <StatusBadge status={task.status} />
              </td>
              <td data-label="Priority">{priorityName(task.priority)}</td>
              <td data-label="Progress">
                {task.progress && task.status === 'PROCESSING' ? (
                  <Bar
                    value={task.progress.percent}
                    max={100}
                    label={`Progress of ${task.task_id}`}
                    text={`${task.progress.percent} %`}
                  />
                ) : (
                  '—'
                )}
              </td>
              <td data-label="Worker" class="mono ellipsis" title={task.worker_id ?? ''}>
                {task.worker_id ?? '—'}
              </td>
              <td data-label="Created" title={dateTime(task.created_at)}>
                {relative(task.created_at, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!tasks.loading && items.length === 0 && <p class="empty">No task matches these filters.</p>}
    </div>
  );
}
