import type { ProcessHandlerContext } from '../../../plugins/executor-process/index.ts';

/**
 * CPU-bound on purpose (naive recursion): run in a worker thread by executor-process, it
 * never stalls the worker, and a task that would take too long is stopped at its timeout.
 */
export default function fibonacci(payload: { n?: number }, ctx: ProcessHandlerContext): { n: number; value: number } {
  const n = payload.n ?? 30;
  if (!Number.isInteger(n) || n < 0 || n > 60)
    throw Object.assign(new Error('payload.n must be an integer in 0..60'), { retryable: false });
  const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  let value = 0;
  for (let k = 0; k <= n; k++) {
    value = fib(k);
    ctx.progress(Math.round((k / n) * 100), `fib(${k})`);
  }
  return { n, value };
}
