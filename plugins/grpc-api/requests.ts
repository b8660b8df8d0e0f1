/** Proto request messages → the core's inputs; every rule on the values is the core's. */
import { InvalidParameterError, type CreateTaskInput } from '../../core/index.ts';
import { dateOf, type ProtoTimestamp } from './messages.ts';
import { fromProtoStruct, type ProtoStruct } from './struct.ts';

export interface CreateTaskRequestMessage {
  task_type?: string;
  priority?: number;
  payload?: Record<string, string>;
  json_payload?: ProtoStruct | null;
  timeout?: number;
  max_retry?: number;
  delay?: number;
  run_at?: ProtoTimestamp | null;
  idempotency_key?: string;
  depends_on?: string[];
  depends_on_index?: number[];
}

export function createTaskInput(request: CreateTaskRequestMessage, field = ''): CreateTaskInput {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const flat = request.payload ?? {};
  if (request.json_payload && Object.keys(flat).length > 0) {
    throw new InvalidParameterError(`invalid parameter ${at('payload')}: give payload or json_payload, not both`, {
      field: at('payload'),
    });
  }
  const input: CreateTaskInput = {
    taskType: request.task_type ?? '',
    priority: request.priority ?? 0,
    payload: request.json_payload ? fromProtoStruct(request.json_payload) : { ...flat },
  };
  if (request.timeout !== undefined) input.timeout = request.timeout;
  if (request.max_retry !== undefined) input.maxRetry = request.max_retry;
  if (request.delay !== undefined) input.delayMs = request.delay * 1000;
  if (request.run_at) input.runAt = dateOf(request.run_at);
  if (request.idempotency_key) input.idempotencyKey = request.idempotency_key;
  if (request.depends_on && request.depends_on.length > 0) input.dependsOn = request.depends_on;
  if (request.depends_on_index && request.depends_on_index.length > 0) input.dependsOnIndex = request.depends_on_index;
  return input;
}

/** A task id is required: the proto default "" would otherwise read as "task not found". */
export function requireTaskId(taskId: string | undefined): string {
  if (!taskId) throw new InvalidParameterError('invalid parameter task_id: is required', { field: 'task_id' });
  return taskId;
}
