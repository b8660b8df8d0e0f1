/**
 * Retry or cancel every task matching the filters, on servers that offer
 * POST /api/v1/tasks/retry and /cancel (`{filter, limit}` → `{count}`). The bulk filter knows
 * status, type and creation time only: with a priority or worker filter the buttons stay off
 * rather than act on more tasks than the list shows.
 */
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import type { TaskFilters } from './tasks.tsx';

export interface BulkFilter {
  status?: string;
  task_type?: string;
  created_from?: string;
  created_to?: string;
}

export function bulkFilterOf(filters: TaskFilters): BulkFilter | undefined {
  if (filters.priority || filters.worker_id) return undefined;
  const filter: BulkFilter = {};
  if (filters.status) filter.status = filters.status;
  if (filters.task_type) filter.task_type = filters.task_type;
  if (filters.created_from) filter.created_from = filters.created_from;
  if (filters.created_to) filter.created_to = filters.created_to;
  return filter;
}

export function BulkActions({ filters, onDone }: { filters: TaskFilters; onDone: () => void }) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const filter = bulkFilterOf(filters);

  const run = async (action: 'retry' | 'cancel') => {
    if (!filter) return;
    const what = Object.keys(filter).length === 0 ? 'EVERY task' : 'every task matching these filters';
    if (!window.confirm(`${action === 'retry' ? 'Retry' : 'Cancel'} ${what}?`)) return;
    setBusy(true);
    try {
      const { count } = await call<{ count: number }>(`/api/v1/tasks/${action}`, { method: 'POST', body: { filter } });
      setMessage(`${count} task${count === 1 ? '' : 's'} ${action === 'retry' ? 'queued for retry' : 'cancelled'}.`);
      onDone();
    } catch (error) {
      setMessage(`${action === 'retry' ? 'Retry' : 'Cancel'} failed: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="bulk">
      <legend class="visually-hidden">Act on every matching task</legend>
      <button type="button" class="secondary" disabled={!filter || busy} onClick={() => run('retry')}>
        Retry all matching
      </button>
      <button type="button" class="danger" disabled={!filter || busy} onClick={() => run('cancel')}>
        Cancel all matching
      </button>
      <span class="hint" aria-live="polite">
        {filter ? message : 'Bulk actions filter by status, type and time only: clear the priority and worker filters.'}
      </span>
    </fieldset>
  );
}
