import { Worker } from 'node:worker_threads';
import type { JsonValue } from '../../core/index.ts';
import type { RunRequest, SerializedError, ThreadMessage } from './protocol.ts';

/** The thread died under a run: an exit (process.exit, out of memory) or an uncaught error. */
export class HandlerCrashError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HandlerCrashError';
  }
}

/** The handler threw or rejected; `detail` is what the thread sent about the error. */
export class HandlerFailedError extends Error {
  constructor(readonly detail: SerializedError) {
    super(detail.message);
    this.name = detail.name;
    if (detail.stack) this.stack = detail.stack;
  }
}

export interface RunListeners {
  onProgress(percent: number, message?: string): void;
  onLog(message: string, detail?: string): void;
}

interface ActiveRun {
  runId: number;
  listeners: RunListeners;
  resolve(result: JsonValue | null): void;
  reject(error: Error): void;
}

/**
 * One worker thread of the pool, running one task at a time. If the thread dies the active
 * run fails with HandlerCrashError and the handle is dead for good (the pool replaces it).
 */
export class HandlerThread {
  private readonly worker: Worker;
  private active: ActiveRun | undefined;
  private nextRunId = 1;
  private exited = false;
  private killing = false;

  constructor(source: string, maxMemoryMb: number) {
    this.worker = new Worker(source, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
    });
    this.worker.on('message', (message: ThreadMessage) => this.onMessage(message));
    this.worker.on('error', (error) =>
      this.onDeath(new HandlerCrashError(`handler crashed: ${error.message}`, { cause: error })),
    );
    this.worker.on('exit', (code) => this.onDeath(new HandlerCrashError(`handler thread exited with code ${code}`)));
  }

  get alive(): boolean {
    return !this.exited && !this.killing;
  }

  run(request: Omit<RunRequest, 'kind' | 'runId'>, listeners: RunListeners): Promise<JsonValue | null> {
    if (!this.alive) return Promise.reject(new HandlerCrashError('handler thread is gone'));
    if (this.active) return Promise.reject(new Error('handler thread is busy'));
    const runId = this.nextRunId++;
    return new Promise((resolve, reject) => {
      this.active = { runId, listeners, resolve, reject };
      this.worker.postMessage({ kind: 'run', runId, ...request } satisfies RunRequest);
    });
  }

  /** Stops the thread at once, whatever it runs (a `while (true) {}` included). */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.killing = true;
    await this.worker.terminate();
  }

  private onMessage(message: ThreadMessage): void {
    const active = this.active;
    if (!active || message.runId !== active.runId) return;
    switch (message.kind) {
      case 'progress':
        active.listeners.onProgress(message.percent, message.message);
        return;
      case 'log':
        active.listeners.onLog(message.message, message.detail);
        return;
      case 'done':
        this.active = undefined;
        active.resolve(message.result);
        return;
      case 'failed':
        this.active = undefined;
        active.reject(new HandlerFailedError(message.error));
        return;
    }
  }

  private onDeath(error: HandlerCrashError): void {
    if (this.exited) return;
    this.exited = true;
    const active = this.active;
    this.active = undefined;
    active?.reject(error);
  }
}
