import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.ts';
import type { Capabilities } from '../capabilities.ts';
import { dateTime, relative } from '../format.ts';
import { useLiveQuery, useNow } from '../hooks.ts';
import { href } from '../router.ts';
import type { Schedule } from '../types.ts';

/** Cron schedules, on servers that have GET /api/v1/schedules; a 404 says this one has none. */
export function SchedulesView({ capabilities }: { capabilities: Capabilities }) {
  const now = useNow(5_000);
  const [message, setMessage] = useState('');
  const schedules = useLiveQuery((signal) => call<Schedule[]>('/api/v1/schedules', { signal }), [], {
    refreshOn: (event) => event.event === 'schedule_fired' || event.event === 'task_created',
    intervalMs: 10_000,
  });

  if (schedules.error instanceof ApiError && schedules.error.status === 404) {
    return <p class="empty">This server has no schedules.</p>;
  }

  const toggle = async (schedule: Schedule) => {
    const paused = schedule.paused ?? schedule.enabled === false;
    const action = paused ? 'resume' : 'pause';
    try {
      await call(`/api/v1/schedules/${encodeURIComponent(schedule.schedule_id)}/${action}`, { method: 'POST' });
      setMessage(`${schedule.schedule_id} ${paused ? 'resumed' : 'paused'}.`);
    } catch (error) {
      setMessage(`${action} failed: ${(error as Error).message}`);
    }
    schedules.reload();
  };

  return (
    <div class="schedules">
      <p class="hint" role="status">
        {message}
      </p>
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">Schedule</th>
            <th scope="col">Cron</th>
            <th scope="col">Task type</th>
            <th scope="col">Next run</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {(schedules.data ?? []).map((s) => {
            const paused = s.paused ?? s.enabled === false;
            return (
              <tr key={s.schedule_id} data-schedule-id={s.schedule_id}>
                <td data-label="Schedule" class="mono ellipsis" title={s.schedule_id}>
                  {s.schedule_id}
                </td>
                <td data-label="Cron" class="mono">
                  {s.cron}
                  {s.timezone ? <span class="hint block">{s.timezone}</span> : null}
                </td>
                <td data-label="Task type">
                  <a href={href(['tasks'], { task_type: s.task.task_type })}>{s.task.task_type}</a>
                </td>
                <td data-label="Next run" title={dateTime(s.next_run_at)}>
                  {paused ? '—' : relative(s.next_run_at, now)}
                </td>
                <td data-label="State">
                  {paused ? 'paused' : 'active'}{' '}
                  {capabilities.pauseSchedules && (
                    <button type="button" class="secondary small" onClick={() => toggle(s)}>
                      {paused ? 'Resume' : 'Pause'} <span class="visually-hidden">{s.schedule_id}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!schedules.loading && (schedules.data ?? []).length === 0 && <p class="empty">No schedule yet.</p>}
    </div>
  );
}
