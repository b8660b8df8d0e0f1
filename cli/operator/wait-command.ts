/**
 * `taskmanager tasks wait <id>`: blocks until the task is final. Exit status 0 on SUCCESS, 3 on
 * any other final status, 4 when --timeout passes first. On a terminal a status line is
 * redrawn in place while waiting.
 */
import type { CAC } from 'cac';
import { WaitTimeoutError, type Task } from '../../clients/typescript/src/index.ts';
import { connect, withConnectionOptions, type ConnectionFlags } from './connection.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import * as flag from './flags.ts';
import { duration, paintStatus } from './format.ts';
import type { Output } from './output.ts';
import { summarizeTask } from './task-view.ts';

interface WaitFlags extends ConnectionFlags {
  timeout?: string | number | boolean;
}

/** The longest a timer can wait in Node (about 24.8 days): "no timeout" in practice. */
const NO_TIMEOUT_MS = 2_147_483_647;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

/** The line redrawn while waiting: spinner, id, status, progress, time waited. */
class StatusLine {
  private frame = 0;
  private last: Task | undefined;
  private stopped = false;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: Output,
    private readonly taskId: string,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.draw();
  }

  update(task: Task): void {
    this.last = task;
    this.draw();
  }

  private draw(): void {
    const { color } = this.out;
    const spinner = color.cyan(FRAMES[this.frame++ % FRAMES.length]!);
    const status = this.last ? paintStatus(this.last.status, color) : color.dim('…');
    const progress = this.last?.progress
      ? ` ${this.last.progress.percent}%${this.last.progress.message ? ` ${this.last.progress.message}` : ''}`
      : '';
    const line = `${spinner} ${this.taskId}  ${status}${progress}  ${color.dim(duration(Date.now() - this.started))}`;
    this.out.write(CLEAR_LINE + line);
  }

  /** Clears the line; once, however often it is called. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.out.write(CLEAR_LINE);
  }
}

async function wait(taskId: string, flags: WaitFlags): Promise<ExitCode> {
  const timeoutSeconds = flag.positiveSeconds(flags.timeout, '--timeout');
  const { client, out } = connect(flags);
  const line = !out.json && out.interactive ? new StatusLine(out, taskId) : undefined;
  const interrupt = () => {
    line?.stop();
    process.exit(130);
  };
  if (line) process.once('SIGINT', interrupt);
  let task: Task;
  try {
    const timeoutMs =
      timeoutSeconds === undefined ? NO_TIMEOUT_MS : Math.min(NO_TIMEOUT_MS, Math.ceil(timeoutSeconds * 1000));
    task = await client.waitForTask(taskId, { timeoutMs, onUpdate: (update) => line?.update(update) });
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      line?.stop();
      out.error(
        `taskmanager: task ${taskId} did not finish within ${timeoutSeconds} s (last status: ${error.lastStatus ?? 'unknown'})`,
      );
      return EXIT.WAIT_TIMEOUT;
    }
    throw error;
  } finally {
    line?.stop();
    process.off('SIGINT', interrupt);
  }
  if (out.json) out.document(task);
  else out.print(summarizeTask(task, out.color));
  return task.status === 'SUCCESS' ? EXIT.OK : EXIT.TASK_NOT_SUCCESSFUL;
}

export function registerWaitCommand(cli: CAC): void {
  withConnectionOptions(
    cli.command(
      'tasks wait <task_id>',
      'Wait until a task is final; exit 0 on SUCCESS, 3 on another status, 4 on timeout',
    ),
  )
    .option('--timeout <seconds>', 'give up after this long (default: no limit)')
    .action(wait);
}
