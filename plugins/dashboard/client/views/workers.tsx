import { call } from '../api.ts';
import { Bar } from '../components/bar.tsx';
import { relative } from '../format.ts';
import { useLiveQuery, useNow } from '../hooks.ts';
import { href } from '../router.ts';
import type { LiveEvent, Worker } from '../types.ts';

const changesWorkers = (event: LiveEvent) =>
  ['worker_online', 'worker_offline', 'task_assigned', 'task_completed', 'task_failed'].includes(event.event);

export function WorkersView() {
  const now = useNow(1_000);
  // Heartbeats make no event: read every 2 s as well.
  const workers = useLiveQuery((signal) => call<Worker[]>('/api/v1/workers', { signal }), [], {
    refreshOn: changesWorkers,
    intervalMs: 2_000,
  });
  const list = workers.data ?? [];
  return (
    <div class="workers">
      {workers.error && (
        <p class="error-line" role="alert">
          {workers.error.message}
        </p>
      )}
      {!workers.loading && list.length === 0 && <p class="empty">No worker has registered.</p>}
      <ul class="cards">
        {list.map((w) => (
          <li key={w.worker_id} class="card worker" data-worker-id={w.worker_id}>
            <h2 class="ellipsis" title={w.worker_name}>
              {w.worker_name || w.worker_id}
            </h2>
            <p class="mono ellipsis hint worker-id" title={w.worker_id}>
              {w.worker_id}
            </p>
            <p>
              <span class={`badge ${w.healthy ? 'status-success' : 'status-failed'}`}>
                {w.healthy ? 'HEALTHY' : w.status}
              </span>{' '}
              <span class="hint mono">{w.address}</span>
            </p>
            <Bar
              value={w.current_load}
              max={w.capacity}
              label={`Load of ${w.worker_id}`}
              text={`${w.current_load} / ${w.capacity} running`}
            />
            <dl class="fields compact">
              <div class="field">
                <dt>Heartbeat</dt>
                <dd data-testid="heartbeat-age">{relative(w.last_heartbeat, now)}</dd>
              </div>
              <div class="field">
                <dt>In flight</dt>
                <dd>
                  <a href={href(['tasks'], { worker_id: w.worker_id, status: 'PROCESSING' })}>{w.in_flight}</a>
                </dd>
              </div>
            </dl>
            <ul class="chips" aria-label="Supported task types">
              {w.supported_types.map((type) => (
                <li key={type} class="chip">
                  {type}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
