import { TaskManagerError, WaitTimeoutError } from './errors.ts';
import { readEvents } from './events.ts';
import { sleep, Transport } from './transport.ts';
import {
  isFinal,
  type BulkTaskRequest,
  type BulkTaskResult,
  type CreatedTask,
  type CreatedTasksBatch,
  type CreateTaskRequest,
  type ListTasksQuery,
  type QueueLengths,
  type Schedule,
  type SchedulerStatus,
  type Stats,
  type Task,
  type TaskLog,
  type TaskPage,
  type TaskType,
  type Worker,
} from './types.ts';

export interface TaskManagerClientOptions {
  /** The server, e.g. http://localhost:8080. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when the server has API keys. */
  apiKey?: string;
  /** Per request attempt, milliseconds (10 000). */
  timeoutMs?: number;
  /** Extra attempts of GETs and keyed creates after a 503 or a network error (3). */
  maxRetries?: number;
  /** First retry backoff, milliseconds (200), doubled per attempt with jitter. */
  retryBaseMs?: number;
  /** A fetch implementation (the global one by default). */
  fetch?: typeof fetch;
}

export interface WaitOptions {
  /** Give up after this long, milliseconds (60 000): WaitTimeoutError. */
  timeoutMs?: number;
  /** Polling interval when the server has no event stream, milliseconds (500). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Called with the task each time it is read while waiting, the final read included (a progress display). */
  onUpdate?: (task: Task) => void;
}

/** Even with an event stream, the task is re-read this often, in case an event was missed. */
const EVENT_RECHECK_MS = 5_000;

/** A client of the HTTP API; field names are the API's (task_type, task_id, …). */
export class TaskManagerClient {
  private readonly transport: Transport;
  /** false once GET /api/v1/events answered 404: waits poll from then on. */
  private eventsAvailable: boolean | undefined;

  constructor(options: TaskManagerClientOptions) {
    if (!options?.baseUrl) throw new TypeError('TaskManagerClient needs { baseUrl }');
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 200,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    });
  }

  /** POST /api/v1/tasks. Retried on 503 only when it carries an idempotency key. */
  createTask(request: CreateTaskRequest): Promise<CreatedTask> {
    return this.transport.request({
      method: 'POST',
      path: '/api/v1/tasks',
      body: request,
      retryable: Boolean(request.idempotency_key),
    });
  }

  /** POST /api/v1/tasks/batch: all or nothing. Retried only when every task carries an idempotency key. */
  createTasks(tasks: CreateTaskRequest[]): Promise<CreatedTasksBatch> {
    const retryable = tasks.length > 0 && tasks.every((task) => Boolean(task.idempotency_key));
    return this.transport.request({ method: 'POST', path: '/api/v1/tasks/batch', body: { tasks }, retryable });
  }

  getTask(taskId: string, signal?: AbortSignal): Promise<Task> {
    return this.transport.request({
      method: 'GET',
      path: `/api/v1/tasks/${encodeURIComponent(taskId)}`,
      retryable: true,
      signal,
    });
  }

  /** Pages of GET /api/v1/tasks, newest first, following next_cursor until the last page. */
  async *listTasks(query: ListTasksQuery = {}): AsyncGenerator<TaskPage, void, undefined> {
    let cursor: string | undefined;
    do {
      const page: TaskPage = await this.transport.request({
        method: 'GET',
        path: '/api/v1/tasks',
        query: { ...query, cursor },
        retryable: true,
      });
      yield page;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  cancelTask(taskId: string): Promise<Task> {
    return this.transport.request({
      method: 'POST',
      path: `/api/v1/tasks/${encodeURIComponent(taskId)}/cancel`,
      retryable: false,
    });
  }

  retryTask(taskId: string): Promise<Task> {
    return this.transport.request({
      method: 'POST',
      path: `/api/v1/tasks/${encodeURIComponent(taskId)}/retry`,
      retryable: false,
    });
  }

  /** POST /api/v1/tasks/retry: every FAILED / TIMEOUT task the filter matches (up to `limit`) back to PENDING. */
  retryTasks(request: BulkTaskRequest = {}): Promise<BulkTaskResult> {
    return this.transport.request({ method: 'POST', path: '/api/v1/tasks/retry', body: request, retryable: false });
  }

  /** POST /api/v1/tasks/cancel: every PENDING / PROCESSING task the filter matches (up to `limit`) cancelled. */
  cancelTasks(request: BulkTaskRequest = {}): Promise<BulkTaskResult> {
    return this.transport.request({ method: 'POST', path: '/api/v1/tasks/cancel', body: request, retryable: false });
  }

  getTaskLogs(taskId: string): Promise<TaskLog[]> {
    return this.transport.request({
      method: 'GET',
      path: `/api/v1/tasks/${encodeURIComponent(taskId)}/logs`,
      retryable: true,
    });
  }

  /** GET /api/v1/task-types: every task type, by name. */
  listTaskTypes(): Promise<TaskType[]> {
    return this.get('/api/v1/task-types');
  }

  /** GET /api/v1/workers: every registered worker with its health and load. */
  listWorkers(): Promise<Worker[]> {
    return this.get('/api/v1/workers');
  }

  /** GET /api/v1/scheduler: the scheduler holding the leader lock (leader_id null when none). */
  getScheduler(): Promise<SchedulerStatus> {
    return this.get('/api/v1/scheduler');
  }

  /** GET /api/v1/queues: ready (high, normal), delayed and claimed lengths, and per worker. */
  getQueues(): Promise<QueueLengths> {
    return this.get('/api/v1/queues');
  }

  /** GET /api/v1/stats: stored tasks per status and their total. */
  getStats(): Promise<Stats> {
    return this.get('/api/v1/stats');
  }

  /** GET /api/v1/schedules; a server without schedules answers TaskManagerError 404 / 40402. */
  listSchedules(): Promise<Schedule[]> {
    return this.get('/api/v1/schedules');
  }

  /**
   * Resolves with the task once it is SUCCESS, FAILED, TIMEOUT or CANCELLED (whichever: check
   * `status`). Listens on GET /api/v1/events when the server has it, else polls.
   */
  async waitForTask(taskId: string, options: WaitOptions = {}): Promise<Task> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let last: Task | undefined;
    const check = async () => {
      last = await this.getTask(taskId, signal);
      options.onUpdate?.(last);
      return isFinal(last.status);
    };
    try {
      if (this.eventsAvailable !== false && (await this.waitWithEvents(taskId, check, signal))) return last!;
      while (!(await check())) await sleep(options.pollIntervalMs ?? 500, signal);
      return last!;
    } catch (error) {
      if (deadline.aborted && !options.signal?.aborted) throw new WaitTimeoutError(taskId, timeoutMs, last?.status);
      throw error;
    }
  }

  private get<T>(path: string): Promise<T> {
    return this.transport.request({ method: 'GET', path, retryable: true });
  }

  /** true when the task finished while listening; false to fall back to polling. */
  private async waitWithEvents(taskId: string, check: () => Promise<boolean>, signal: AbortSignal): Promise<boolean> {
    const stop = new AbortController();
    const streamSignal = AbortSignal.any([signal, stop.signal]);
    const response = await this.transport
      .fetch(this.transport.url('/api/v1/events', { task_id: taskId }), {
        headers: this.transport.headers({ accept: 'text/event-stream' }),
        signal: streamSignal,
      })
      .catch(() => undefined);
    if (!response) return false;
    if (response.status === 404) {
      // Not on this server (yet): poll, and do not ask again.
      this.eventsAvailable = false;
      await response.body?.cancel().catch(() => undefined);
      return false;
    }
    if (!response.ok) throw await asError(response);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return false;
    }
    this.eventsAvailable = true;

    let pending = true;
    let ended = false;
    let wake: (() => void) | undefined;
    const poke = () => {
      pending = true;
      wake?.();
    };
    const timer = setInterval(poke, EVENT_RECHECK_MS);
    const reading = readEvents(response.body, poke)
      .catch(() => undefined)
      .finally(() => {
        ended = true;
        poke();
      });
    try {
      // Subscribed first, read second: a change in between arrives as an event and is read again.
      for (;;) {
        if (!pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        pending = false;
        if (await check()) return true;
        if (ended) return false;
      }
    } finally {
      clearInterval(timer);
      stop.abort();
      await reading;
    }
  }
}

async function asError(response: Response): Promise<TaskManagerError> {
  const body = (await response.json().catch(() => ({}))) as { code?: number; message?: string; details?: unknown };
  return new TaskManagerError(
    body.code ?? 50001,
    response.status,
    body.message ?? `HTTP ${response.status}`,
    body.details,
  );
}
