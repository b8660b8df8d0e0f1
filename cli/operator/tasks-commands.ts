/** `taskmanager tasks create | get | logs | cancel | retry | ls` over the TypeScript client. */
import type { CAC } from 'cac';
import type { CreateTaskRequest, Task } from '../../clients/typescript/src/index.ts';
import { connect, withConnectionOptions, type ConnectionFlags } from './connection.ts';
import * as flag from './flags.ts';
import { renderTask, renderTaskList, renderTaskLogs, summarizeTask } from './task-view.ts';
import { registerWaitCommand } from './wait-command.ts';

type Value = string | number | boolean | undefined;

interface CreateFlags extends ConnectionFlags {
  payload?: Value;
  priority?: Value;
  delay?: Value;
  idempotencyKey?: Value;
}

interface ListFlags extends ConnectionFlags {
  status?: Value;
  type?: Value;
  limit?: Value;
}

const DEFAULT_LIST_LIMIT = 20;
/** The API's largest page. */
const MAX_PAGE = 1000;

async function create(taskType: string, flags: CreateFlags): Promise<void> {
  const request: CreateTaskRequest = {
    task_type: taskType,
    payload: (flag.json(flags.payload, '--payload') ?? {}) as CreateTaskRequest['payload'],
  };
  const priority = flag.number(flags.priority, '--priority');
  if (priority !== undefined) request.priority = priority;
  const delay = flag.number(flags.delay, '--delay');
  if (delay !== undefined) request.delay = delay;
  const key = flag.text(flags.idempotencyKey, '--idempotency-key');
  if (key !== undefined) request.idempotency_key = key;

  const { client, out } = connect(flags);
  const created = await client.createTask(request);
  if (out.json) return out.document(created);
  out.print(created.task_id);
}

async function get(taskId: string, flags: ConnectionFlags): Promise<void> {
  const { client, out } = connect(flags);
  const task = await client.getTask(taskId);
  if (out.json) return out.document(task);
  for (const line of renderTask(task, out.color)) out.print(line);
}

async function logs(taskId: string, flags: ConnectionFlags): Promise<void> {
  const { client, out } = connect(flags);
  const rows = await client.getTaskLogs(taskId);
  if (out.json) return out.document(rows);
  for (const line of renderTaskLogs(rows, out.color)) out.print(line);
}

function changeState(change: 'cancelTask' | 'retryTask') {
  return async (taskId: string, flags: ConnectionFlags): Promise<void> => {
    const { client, out } = connect(flags);
    const task = await client[change](taskId);
    if (out.json) return out.document(task);
    out.print(summarizeTask(task, out.color));
  };
}

async function list(flags: ListFlags): Promise<void> {
  const limit = flag.integer(flags.limit, '--limit', 1) ?? DEFAULT_LIST_LIMIT;
  // Statuses are upper case in the API; `--status failed` is meant the same way.
  const status = flag.text(flags.status, '--status')?.toUpperCase();
  const taskType = flag.text(flags.type, '--type');
  const { client, out } = connect(flags);

  const tasks: Task[] = [];
  let more = false;
  for await (const page of client.listTasks({
    status,
    task_type: taskType,
    limit: String(Math.min(limit, MAX_PAGE)),
  })) {
    const room = limit - tasks.length;
    tasks.push(...page.items.slice(0, room));
    more = page.items.length > room || page.next_cursor !== null;
    if (tasks.length >= limit) break;
  }
  if (out.json) return out.document(tasks);
  if (tasks.length === 0) return out.print(out.color.dim('no tasks match'));
  for (const line of renderTaskList(tasks, out.color)) out.print(line);
  if (more) out.print(out.color.dim(`the ${tasks.length} newest shown; more with --limit`));
}

export function registerTaskCommands(cli: CAC): void {
  withConnectionOptions(cli.command('tasks create <task_type>', 'Create a task and print its id'))
    .option('--payload <json>', 'the payload, a JSON object (default: {})')
    .option('--priority <0|1>', '0 normal (default) or 1 high')
    .option('--delay <seconds>', 'run no earlier than this many seconds from now')
    .option('--idempotency-key <key>', 'becomes the task id; creating twice with one key returns the first task')
    .example(`  $ taskmanager tasks create echo --payload '{"a":1}'`)
    .action(create);
  withConnectionOptions(
    cli.command('tasks get <task_id>', 'Show a task: status, times, payload, result, error'),
  ).action(get);
  withConnectionOptions(cli.command('tasks logs <task_id>', "Show a task's log, oldest first")).action(logs);
  withConnectionOptions(cli.command('tasks cancel <task_id>', 'Cancel a pending or running task')).action(
    changeState('cancelTask'),
  );
  withConnectionOptions(cli.command('tasks retry <task_id>', 'Put a FAILED or TIMEOUT task back to PENDING')).action(
    changeState('retryTask'),
  );
  registerWaitCommand(cli);
  withConnectionOptions(cli.command('tasks ls', 'List tasks, newest first'))
    .option(
      '--status <statuses>',
      'only these statuses, comma-separated (PENDING,PROCESSING,SUCCESS,FAILED,TIMEOUT,CANCELLED)',
    )
    .option('--type <task_type>', 'only this task type')
    .option('--limit <n>', `at most this many tasks (default: ${DEFAULT_LIST_LIMIT})`)
    .action(list);
}
