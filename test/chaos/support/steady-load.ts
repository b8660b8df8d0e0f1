/**
 * A steady mix of tasks through the HTTP API while faults are injected: short and long
 * sleeps, echoes, failures with a retry, delayed tasks, and long tasks cancelled while they
 * wait or run. Every task carries an idempotency key chosen here (its task id), so the suite
 * knows what each batch asked for even when the answer never came back.
 */
export interface SentBatch {
  keys: string[];
  /** created: 201; refused: any other HTTP answer; unknown: no answer (the API died, a timeout). */
  outcome: 'created' | 'refused' | 'unknown';
  status: number;
  at: number;
}

const TICK_MS = 250;

export class SteadyLoad {
  readonly batches: SentBatch[] = [];
  readonly cancelRequests: { key: string; status: number }[] = [];
  private stopped = false;
  private paused = false;
  private loop: Promise<void> | undefined;
  private seq = 0;
  private readonly pendingCancels = new Set<Promise<void>>();

  constructor(
    private readonly apiUrl: () => string,
    private readonly runId: string,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.pendingCancels);
  }

  /** Holds the load (a scenario that needs the API to itself); `resume` lets it go on. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Keys of batches the API answered 201 for. */
  get createdKeys(): string[] {
    return this.batches.filter((b) => b.outcome === 'created').flatMap((b) => b.keys);
  }

  /** Creates a batch now (also used by scenarios for a big one); resolves with what happened. */
  async send(tasks: Record<string, unknown>[], timeoutMs = 5_000): Promise<SentBatch> {
    const keys = tasks.map((t) => t.idempotency_key as string);
    const at = Date.now();
    let batch: SentBatch;
    try {
      const response = await fetch(`${this.apiUrl()}/api/v1/tasks/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tasks }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      batch = { keys, outcome: response.status === 201 ? 'created' : 'refused', status: response.status, at };
    } catch {
      batch = { keys, outcome: 'unknown', status: 0, at };
    }
    this.batches.push(batch);
    return batch;
  }

  key(kind: string): string {
    return `${this.runId}-${kind}-${++this.seq}`;
  }

  private async run(): Promise<void> {
    let tick = 0;
    let next = Date.now();
    while (!this.stopped) {
      if (this.paused) {
        await new Promise((r) => setTimeout(r, TICK_MS));
        next = Date.now();
        continue;
      }
      tick++;
      const tasks: Record<string, unknown>[] = [
        { task_type: 'sleep', payload: { ms: 50 + (tick % 5) * 25 }, idempotency_key: this.key('short') },
        { task_type: 'sleep', payload: { ms: 120 }, idempotency_key: this.key('short') },
        { task_type: 'echo', payload: { tick }, idempotency_key: this.key('echo'), priority: tick % 2 },
      ];
      if (tick % 2 === 0)
        tasks.push({
          task_type: 'sleep',
          payload: { ms: 1_500 + (tick % 4) * 250 },
          idempotency_key: this.key('long'),
        });
      if (tick % 3 === 0)
        tasks.push({
          task_type: 'fail',
          payload: { message: 'chaos' },
          max_retry: 1,
          idempotency_key: this.key('fail'),
        });
      if (tick % 4 === 0)
        tasks.push({ task_type: 'sleep', payload: { ms: 100 }, delay: 1, idempotency_key: this.key('delayed') });
      const toCancel = tick % 4 === 2 ? this.key('cancel') : undefined;
      if (toCancel) tasks.push({ task_type: 'sleep', payload: { ms: 3_000 }, idempotency_key: toCancel });
      const batch = await this.send(tasks, 3_000);
      if (toCancel && batch.outcome === 'created') this.cancelLater(toCancel, 200 + (tick % 3) * 300);
      next += TICK_MS;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = Date.now();
    }
  }

  /** Cancels while it waits or runs; a failed call (the API is down) is only noted. */
  private cancelLater(key: string, afterMs: number): void {
    const done = (async () => {
      await new Promise((r) => setTimeout(r, afterMs));
      try {
        const response = await fetch(`${this.apiUrl()}/api/v1/tasks/${key}/cancel`, {
          method: 'POST',
          signal: AbortSignal.timeout(3_000),
        });
        await response.arrayBuffer();
        this.cancelRequests.push({ key, status: response.status });
      } catch {
        this.cancelRequests.push({ key, status: 0 });
      }
    })();
    this.pendingCancels.add(done);
    void done.finally(() => this.pendingCancels.delete(done));
  }
}
