import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** How much of a child's stderr is kept to explain a failure. */
const STDERR_TAIL = 4_000;

export interface TsChild {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line starting with `prefix` (without it); rejects if the child exits first or the deadline passes. */
  line(prefix: string, deadlineMs: number): Promise<string>;
  /** Resolves when the child has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGKILLs the child if it is still running and waits for its exit. */
  kill(): Promise<void>;
}

/**
 * Runs a TypeScript entry file of the bench in its own Node process (`node --import tsx`), so
 * a scenario can kill it, or read its own memory peak without the bench's heap in the way.
 * stdin stays open as a lifeline: the entry files exit when it closes (the bench died).
 */
export function spawnTs(entry: URL, args: readonly string[], nodeFlags: readonly string[] = []): TsChild {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', fileURLToPath(entry), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const seen: string[] = [];
  const waiting = new Set<() => void>();
  lines.on('line', (text) => {
    seen.push(text);
    for (const wake of waiting) wake();
  });
  const describe = () =>
    `${fileURLToPath(entry)} ${args.join(' ')} (exit ${child.exitCode ?? child.signalCode ?? 'none'})\n${stderr}`;

  return {
    process: child,
    line(prefix, deadlineMs) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = seen.find((text) => text.startsWith(prefix));
          if (found === undefined) return;
          finish();
          resolve(found.slice(prefix.length));
        };
        const onExit = () => {
          check();
          finish();
          reject(new Error(`child exited before printing "${prefix}": ${describe()}`));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no "${prefix}" line from the child within ${deadlineMs} ms: ${describe()}`));
        }, deadlineMs);
        function finish() {
          clearTimeout(timer);
          waiting.delete(check);
          child.off('close', onExit);
        }
        waiting.add(check);
        // 'close' (not 'exit'): stdout may still hold lines when the process has exited.
        child.once('close', onExit);
        check();
      });
    },
    exited: () => exit,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** For entry files: exit when the bench that spawned us goes away (its end of stdin closes). */
export function exitWithParent(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
