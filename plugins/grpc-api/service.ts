/**
 * taskservice.TaskService over the core's TaskService: the same calls, rules, idempotency and
 * API keys as the HTTP API; this file only translates messages and errors.
 */
import type {
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import {
  ApiKeyCheck,
  assertBatchSize,
  type ApiKeyIdentity,
  type ApiScope,
  ErrorCode,
  listNumberedPage,
  parseStatusList,
  PayloadTooLargeError,
  InvalidParameterError,
  type ApiAccess,
  type CreateTaskInput,
  type Logger,
  type TaskFilter,
  type TaskService,
} from '../../core/index.ts';
import { taskLogMessage, taskMessage } from './messages.ts';
import type { RequestSizes } from './request-size.ts';
import { createTaskInput, requireTaskId, type CreateTaskRequestMessage } from './requests.ts';
import { serviceError, toServiceError } from './status.ts';
import type { TaskChanges } from './task-changes.ts';
import { followTask } from './wait-task.ts';

export interface TaskServiceDeps {
  tasks: TaskService;
  changes: TaskChanges;
  access: ApiAccess;
  sizes: RequestSizes;
  logger: Logger;
  /** WaitTask streams in flight, aborted with reason SHUTDOWN when the server stops. */
  streams: Set<AbortController>;
  recheckMs?: number;
}

export const SHUTDOWN = 'shutdown';

interface TaskIdRequest {
  task_id?: string;
}

interface ListTasksRequest {
  status?: string;
  priority?: number;
  page?: number;
  page_size?: number;
  task_type?: string;
  cursor?: string;
}

/** The scope each RPC needs, as for the HTTP routes (docs/api.md, "Authentication"). */
export const RPC_SCOPES = {
  CreateTask: 'write',
  CreateTasks: 'write',
  CancelTask: 'write',
  RetryTask: 'write',
  GetTask: 'read',
  GetTaskLogs: 'read',
  ListTasks: 'read',
  WaitTask: 'read',
} as const satisfies Record<string, ApiScope>;
type Rpc = keyof typeof RPC_SCOPES;

type Admit = (metadata: Metadata, request: unknown, rpc: Rpc) => ApiKeyIdentity | undefined;

export function taskServiceImplementation(deps: TaskServiceDeps): UntypedServiceImplementation {
  const keys = new ApiKeyCheck(deps.access.apiKeys);
  const admit: Admit = (metadata, request, rpc) => {
    const authorization = metadata.get('authorization')[0];
    const caller = keys.verify(typeof authorization === 'string' ? authorization : undefined, RPC_SCOPES[rpc]);
    if (deps.sizes.failedToDecode(request))
      throw new InvalidParameterError(`invalid parameter: the request is not a ${rpc}Request message`);
    if (deps.sizes.of(request) > deps.access.maxPayloadBytes)
      throw new PayloadTooLargeError(deps.access.maxPayloadBytes);
    return caller;
  };

  function unary<Req, Res>(
    method: Rpc,
    handle: (request: Req, caller: ApiKeyIdentity | undefined, metadata: Metadata) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      (async () => {
        const caller = admit(call.metadata, call.request, method);
        return handle(call.request, caller, call.metadata);
      })().then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, deps.logger, method)),
      );
    };
  }

  const { tasks } = deps;
  return {
    CreateTask: unary('CreateTask', async (request: CreateTaskRequestMessage, caller, metadata) => {
      const { task, created } = await tasks.create(withCaller(createTaskInput(request), caller, metadata));
      return { task: taskMessage(task), created };
    }),

    CreateTasks: unary('CreateTasks', async (request: { tasks?: CreateTaskRequestMessage[] }, caller, metadata) => {
      const items = request.tasks ?? [];
      assertBatchSize(items.length, deps.access.batchLimit);
      const results = await tasks.createMany(
        items.map((item, index) => withCaller(createTaskInput(item, `tasks[${index}]`), caller, metadata)),
      );
      return { results: results.map(({ task, created }) => ({ task: taskMessage(task), created })) };
    }),

    GetTask: unary('GetTask', async (request: TaskIdRequest) => ({
      task: taskMessage(await tasks.get(requireTaskId(request.task_id))),
    })),

    CancelTask: unary('CancelTask', async (request: TaskIdRequest) => {
      const task = await tasks.cancel(requireTaskId(request.task_id));
      return { success: true, message: 'Task cancelled successfully', task: taskMessage(task) };
    }),

    RetryTask: unary('RetryTask', async (request: TaskIdRequest) => ({
      task: taskMessage(await tasks.retry(requireTaskId(request.task_id))),
    })),

    GetTaskLogs: unary('GetTaskLogs', async (request: TaskIdRequest) => ({
      logs: (await tasks.logs(requireTaskId(request.task_id))).map(taskLogMessage),
    })),

    ListTasks: unary('ListTasks', async (request: ListTasksRequest) => {
      const page = await listNumberedPage(tasks, listFilter(request), {
        page: request.page ?? 0,
        pageSize: request.page_size ?? 0,
        cursor: request.cursor || undefined,
      });
      return { tasks: page.items.map(taskMessage), total: page.total, next_cursor: page.nextCursor ?? '' };
    }),

    WaitTask: waitTask(deps, admit),
  };
}

/**
 * The task log names the API key that created the task (never the key itself); a
 * `traceparent` metadata entry is the parent of the task.create span, as the HTTP header is.
 */
function withCaller(input: CreateTaskInput, caller: ApiKeyIdentity | undefined, metadata: Metadata): CreateTaskInput {
  const traceParent = metadata.get('traceparent')[0];
  const traced = typeof traceParent === 'string' ? { ...input, traceParent } : input;
  return caller ? { ...traced, createdBy: caller.name } : traced;
}

/** The original ListTasks filter: status (one or a comma list), priority −1 = any; plus task_type. */
function listFilter(request: ListTasksRequest): TaskFilter {
  const filter: TaskFilter = {};
  const statuses = parseStatusList(request.status ?? '');
  if (statuses) filter.status = statuses;
  const priority = request.priority ?? -1;
  if (priority === 0 || priority === 1) filter.priority = priority;
  else if (priority !== -1)
    throw new InvalidParameterError('invalid parameter priority: must be -1 (any), 0 (NORMAL) or 1 (HIGH)', {
      field: 'priority',
    });
  if (request.task_type) filter.taskType = request.task_type;
  return filter;
}

function waitTask(deps: TaskServiceDeps, admit: Admit): handleServerStreamingCall<TaskIdRequest, unknown> {
  return (call: ServerWritableStream<TaskIdRequest, unknown>) => {
    const controller = new AbortController();
    deps.streams.add(controller);
    call.on('cancelled', () => controller.abort());
    (async () => {
      admit(call.metadata, call.request, 'WaitTask');
      const taskId = requireTaskId(call.request.task_id);
      const outcome = await followTask(
        taskId,
        deps,
        (task) => call.write({ task: taskMessage(task) }),
        controller.signal,
      );
      if (outcome === 'finished') call.end();
      else if (controller.signal.reason === SHUTDOWN)
        call.emit('error', serviceError(ErrorCode.DEPENDENCY_UNAVAILABLE, 'the server is shutting down; wait again'));
    })()
      .catch((error: unknown) => {
        if (!controller.signal.aborted) call.emit('error', toServiceError(error, deps.logger, 'WaitTask'));
      })
      .finally(() => deps.streams.delete(controller));
  };
}
