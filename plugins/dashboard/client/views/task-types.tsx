import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import type { Capabilities } from '../capabilities.ts';
import { useLiveQuery } from '../hooks.ts';
import { href } from '../router.ts';
import type { TaskType } from '../types.ts';

/**
 * Every task type and its limits. The Paused column (with pause / resume buttons) appears when
 * the server returns `paused`; the Rate limit column when it returns `rate_limit`.
 */
export function TaskTypesView({ capabilities }: { capabilities: Capabilities }) {
  const types = useLiveQuery((signal) => call<TaskType[]>('/api/v1/task-types', { signal }), [], {
    refreshOn: (event) => event.event === 'config_reloaded' || event.event === 'task_type_paused',
    intervalMs: 10_000,
  });
  const [message, setMessage] = useState('');
  const list = types.data ?? [];
  const hasPause = list.some((t) => t.paused !== undefined);
  const hasRateLimit = list.some((t) => t.rate_limit !== undefined);

  const toggle = async (type: TaskType) => {
    const action = type.paused ? 'resume' : 'pause';
    try {
      await call(`/api/v1/task-types/${encodeURIComponent(type.task_type)}/${action}`, { method: 'POST' });
      setMessage(`${type.task_type} ${action === 'pause' ? 'paused' : 'resumed'}.`);
    } catch (error) {
      setMessage(`${action} failed: ${(error as Error).message}`);
    }
    types.reload();
  };

  return (
    <div class="task-types">
      {types.error && (
        <p class="error-line" role="alert">
          {types.error.message}
        </p>
      )}
      <p class="hint" role="status">
        {message}
      </p>
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Executor</th>
            <th scope="col">Concurrency</th>
            <th scope="col">Timeout</th>
            <th scope="col">Retries</th>
            <th scope="col">Enabled</th>
            {hasRateLimit && <th scope="col">Rate limit</th>}
            {hasPause && <th scope="col">Paused</th>}
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr key={t.task_type} data-task-type={t.task_type}>
              <td data-label="Type">
                <a href={href(['tasks'], { task_type: t.task_type })} title={t.description ?? t.task_name}>
                  {t.task_type}
                </a>
                <span class="hint block">{t.task_name}</span>
              </td>
              <td data-label="Executor">{t.executor_type}</td>
              <td data-label="Concurrency">{t.max_concurrent === 0 ? 'unlimited' : `${t.max_concurrent} at once`}</td>
              <td data-label="Timeout">{t.default_timeout} s</td>
              <td data-label="Retries">
                {t.default_max_retry} · {t.retry_strategy.toLowerCase()} {t.retry_delay} s
              </td>
              <td data-label="Enabled">{t.enabled ? 'yes' : 'no'}</td>
              {hasRateLimit && (
                <td data-label="Rate limit">
                  {t.rate_limit ? `${t.rate_limit.max} per ${t.rate_limit.per_seconds} s` : '—'}
                </td>
              )}
              {hasPause && (
                <td data-label="Paused">
                  {t.paused ? 'paused' : 'running'}{' '}
                  {capabilities.pauseTaskTypes && (
                    <button type="button" class="secondary small" onClick={() => toggle(t)}>
                      {t.paused ? 'Resume' : 'Pause'} <span class="visually-hidden">{t.task_type}</span>
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
