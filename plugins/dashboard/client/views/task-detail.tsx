import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.ts';
import { Bar } from '../components/bar.tsx';
import { JsonBlock, ScrollBox } from '../components/json-block.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { dateTime, priorityName, relative } from '../format.ts';
import { useLiveQuery, useNow } from '../hooks.ts';
import { href } from '../router.ts';
import type { LiveEvent, Task, TaskLog } from '../types.ts';

const CANCELLABLE = new Set(['PENDING', 'PROCESSING']);
const RETRYABLE = new Set(['FAILED', 'TIMEOUT']);

export function TaskDetail({ taskId }: { taskId: string }) {
  const now = useNow(5_000);
  const [feedback, setFeedback] = useState('');
  const [busy, setBusy] = useState(false);
  const mine = (event: LiveEvent) => event.task_id === taskId;
  const task = useLiveQuery(
    (signal) => call<Task>(`/api/v1/tasks/${encodeURIComponent(taskId)}`, { signal }),
    [taskId],
    { refreshOn: mine, throttleMs: 250 },
  );
  const logs = useLiveQuery(
    (signal) => call<TaskLog[]>(`/api/v1/tasks/${encodeURIComponent(taskId)}/logs`, { signal }),
    [taskId],
    { refreshOn: mine, throttleMs: 250 },
  );

  const act = async (action: 'cancel' | 'retry') => {
    setBusy(true);
    setFeedback('');
    try {
      await call<Task>(`/api/v1/tasks/${encodeURIComponent(taskId)}/${action}`, { method: 'POST' });
      setFeedback(action === 'cancel' ? 'Cancelled.' : 'Queued for retry.');
    } catch (error) {
      setFeedback(error instanceof ApiError ? error.message : `Failed: ${(error as Error).message}`);
    } finally {
      setBusy(false);
      task.reload();
      logs.reload();
    }
  };

  if (task.error instanceof ApiError && task.error.status === 404) {
    return (
      <p class="empty" role="alert">
        No task <span class="mono">{taskId}</span>. <a href={href(['tasks'])}>Back to tasks</a>
      </p>
    );
  }
  const t = task.data;
  return (
    <div class="detail">
      <div class="detail-head">
        <p class="mono task-id">{taskId}</p>
        <span data-testid="task-status">{t ? <StatusBadge status={t.status} /> : <span class="badge">…</span>}</span>
        <div class="actions">
          <button
            type="button"
            class="danger"
            disabled={!t || busy || !CANCELLABLE.has(t.status)}
            onClick={() => act('cancel')}
          >
            Cancel task
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!t || busy || !RETRYABLE.has(t.status)}
            onClick={() => act('retry')}
          >
            Retry task
          </button>
          <span class="hint" role="status">
            {feedback}
          </span>
        </div>
      </div>

      <dl class="fields">
        <Field label="Type" value={t?.task_type} />
        <Field label="Priority" value={t ? priorityName(t.priority) : undefined} />
        <Field label="Worker" value={t?.worker_id ?? '—'} mono />
        <Field
          label="Attempts"
          value={t ? `${t.retry_count} retr${t.retry_count === 1 ? 'y' : 'ies'} of ${t.max_retry}` : undefined}
        />
        <Field label="Timeout" value={t ? `${t.timeout} s` : undefined} />
        <Field label="Created" value={t ? dateTime(t.created_at) : undefined} />
        <Field label="Age" value={t ? relative(t.created_at, now).replace(' ago', '') : undefined} />
        <Field label="Scheduled" value={t ? dateTime(t.scheduled_at) : undefined} />
        <Field label="Started" value={t ? dateTime(t.started_at) : undefined} />
        <Field label="Completed" value={t ? dateTime(t.completed_at) : undefined} />
        {t?.schedule_id !== undefined && <Field label="Schedule" value={t.schedule_id ?? '—'} mono />}
        {t?.depends_on !== undefined && (
          <div class="field">
            <dt>Depends on</dt>
            <dd>
              {t.depends_on.length === 0
                ? '—'
                : t.depends_on.map((id) => (
                    <a key={id} class="mono dep" href={href(['tasks', id])}>
                      {id}
                    </a>
                  ))}
            </dd>
          </div>
        )}
      </dl>

      <section class="progress-section" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        {t?.progress ? (
          <Bar
            value={t.progress.percent}
            max={100}
            label="Progress"
            text={`${t.progress.percent} %${t.progress.message ? ` · ${t.progress.message}` : ''}`}
          />
        ) : (
          <p class="hint">{t?.status === 'PROCESSING' ? 'No progress reported yet.' : 'No progress reported.'}</p>
        )}
      </section>

      <div class="blocks">
        <section aria-labelledby="error-title">
          <h2 id="error-title">Error</h2>
          <ScrollBox label="Error message">{t?.error_msg ?? '—'}</ScrollBox>
        </section>
        <section aria-labelledby="payload-title">
          <h2 id="payload-title">Payload</h2>
          <JsonBlock value={t?.payload} label="Payload" />
        </section>
        <section aria-labelledby="result-title">
          <h2 id="result-title">Result</h2>
          <JsonBlock value={t?.result} label="Result" />
        </section>
      </div>

      <section aria-labelledby="logs-title">
        <h2 id="logs-title">Log timeline</h2>
        <ol class="timeline" data-testid="timeline">
          {(logs.data ?? []).map((log) => (
            <li key={log.id} class={`log log-${log.log_type.toLowerCase()}`}>
              <time dateTime={log.created_at}>{dateTime(log.created_at)}</time>
              <span class="transition">
                {log.from_status || log.to_status
                  ? `${log.from_status ?? '∅'} → ${log.to_status ?? '∅'}`
                  : log.log_type}
              </span>
              <span class="message">{log.message}</span>
              {log.worker_id && <span class="mono hint">{log.worker_id}</span>}
              {log.error_detail && (
                <details>
                  <summary>Error detail</summary>
                  <pre class="json">{log.error_detail}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Field({ label, value, mono }: { label: string; value: string | undefined; mono?: boolean }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd class={mono ? 'mono ellipsis' : undefined} title={value}>
        {value ?? '…'}
      </dd>
    </div>
  );
}
