/**
 * An abort handle whose AbortController is only built when someone reads `signal`. Every task
 * needs a way to be aborted (timeout, cancel, shutdown), but most short executors never look
 * at their signal, and an AbortController with its EventTarget is one of the costliest
 * allocations on a worker's hot path.
 */
export class LazyAbort {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private isAborted = false;
  private listener: ((reason: unknown) => void) | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  /** The first abort wins; later ones are ignored, as with AbortController. */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.listener?.(reason);
  }

  /** One listener (the executor race); called at once when already aborted. */
  onAbort(listener: (reason: unknown) => void): void {
    this.listener = listener;
    if (this.isAborted) listener(this.abortReason);
  }
}
