import type { HandlerThread } from './handler-thread-handle.ts';

interface Waiter {
  resolve(thread: HandlerThread): void;
  reject(error: unknown): void;
}

/**
 * At most `size` handler threads, each running one task at a time. Threads start on demand and
 * stay warm; a thread that crashed or was killed leaves the pool and its slot is refilled for
 * the next task. A task waits (abortably) when every thread is busy.
 */
export class ThreadPool {
  private readonly idle: HandlerThread[] = [];
  private readonly all = new Set<HandlerThread>();
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly spawn: () => HandlerThread,
  ) {}

  get threads(): number {
    return this.all.size;
  }

  acquire(signal: AbortSignal): Promise<HandlerThread> {
    if (this.closed) return Promise.reject(new Error('executor-process is closed'));
    signal.throwIfAborted();
    const ready = this.takeIdle() ?? this.grow();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (thread) => {
          signal.removeEventListener('abort', onAbort);
          resolve(thread);
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** A thread done with its task: to the next waiter, or idle. A dead one frees its slot. */
  release(thread: HandlerThread): void {
    if (!thread.alive) {
      this.forget(thread);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(thread);
    else this.idle.push(thread);
  }

  /** Kills a thread (timeout, cancel) and gives its slot to the next task. */
  async discard(thread: HandlerThread): Promise<void> {
    this.all.delete(thread);
    await thread.kill();
    this.forget(thread);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('executor-process is closed'));
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.kill()));
  }

  private takeIdle(): HandlerThread | undefined {
    for (let thread = this.idle.pop(); thread; thread = this.idle.pop()) {
      if (thread.alive) return thread;
      this.all.delete(thread);
    }
    return undefined;
  }

  private grow(): HandlerThread | undefined {
    if (this.all.size >= this.size) return undefined;
    const thread = this.spawn();
    this.all.add(thread);
    return thread;
  }

  private forget(thread: HandlerThread): void {
    this.all.delete(thread);
    const index = this.idle.indexOf(thread);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.closed) return;
    const waiter = this.waiters[0];
    const replacement = waiter ? this.grow() : undefined;
    if (waiter && replacement) {
      this.waiters.shift();
      waiter.resolve(replacement);
    }
  }
}
