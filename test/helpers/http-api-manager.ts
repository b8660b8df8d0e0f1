import { createTaskManager, TOKENS, type Plugin, type TaskManager, type TaskStatus } from '../../core/index.ts';
import { httpApi, type HttpApiOptions } from '../../plugins/http-api/index.ts';
import { prometheusMetrics } from '../../plugins/metrics-prometheus/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { silentLogger } from './fake-plugin-context.ts';

export interface ApiFixture {
  manager: TaskManager;
  api: ReturnType<typeof httpApi>;
  logLines: unknown[];
  /** `app.request` returning the status and the parsed JSON body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** Moves a task along real transitions (no worker runs in these suites). */
  forceStatus(taskId: string, path: TaskStatus[]): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // Parsed JSON of an answer whose shape each test asserts.
  body: { code: number; message: string; data?: any; details?: any };
}

/**
 * A task manager on the memory plugins with only the api role (no scheduler, no worker: task
 * states change only when a test says so), the HTTP API listening on a free port.
 */
export async function startApiManager(
  options: HttpApiOptions = {},
  env: Record<string, string> = {},
  /** The storage plugin (memory by default) and any extra plugins (executors). */
  parts: { storage?: Plugin; plugins?: Plugin[] } = {},
): Promise<ApiFixture> {
  const logLines: unknown[] = [];
  const api = httpApi(options);
  const manager = await createTaskManager(
    {
      app: { port: 0, host: '127.0.0.1', logLevel: 'silent', crossProcessEvents: false },
      roles: ['api'],
      taskTypes: [
        { taskType: 'echo', executorType: 'demo' },
        { taskType: 'retired', executorType: 'demo', enabled: false },
      ],
      plugins: [
        parts.storage ?? memoryStorage(),
        memoryQueue(),
        prometheusMetrics({ defaultMetrics: false }),
        ...(parts.plugins ?? []),
        api,
      ],
    },
    { env, logger: silentLogger(logLines) },
  );
  await manager.start();
  const app = api.app;
  if (!app) throw new Error('the HTTP API did not build its app');

  const call: ApiFixture['call'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  const forceStatus: ApiFixture['forceStatus'] = async (taskId, path) => {
    const storage = manager.resolve(TOKENS.Storage);
    for (const to of path) {
      const task = await storage.getTask(taskId);
      if (!task) throw new Error(`no task ${taskId}`);
      const at = new Date();
      const patch =
        to === 'PROCESSING'
          ? { workerId: 'worker-test', startedAt: at }
          : { completedAt: at, errorMsg: to === 'FAILED' ? 'boom' : null };
      const { applied } = await storage.transition([{ taskId, from: task.status, to, patch, logs: [], at }]);
      if (applied.length !== 1) throw new Error(`transition ${task.status} → ${to} of ${taskId} was not applied`);
    }
  };

  return { manager, api, logLines, call, forceStatus };
}
