import { useEffect, useRef, useState } from 'preact/hooks';
import { live, type LiveStatus } from './live.ts';
import type { LiveEvent } from './types.ts';

export interface LiveQuery<T> {
  data: T | undefined;
  error: Error | undefined;
  /** true until the first answer (or error) for the current inputs. */
  loading: boolean;
  reload(): void;
}

export interface LiveQueryOptions {
  /** Which live events make it read again (`resync` always does). */
  refreshOn?: (event: LiveEvent) => boolean;
  /** Read again at least this often (state that changes without events: heartbeats, delayed tasks). */
  intervalMs?: number;
  /** At most one read per this many ms however many events come. */
  throttleMs?: number;
}

/**
 * Reads on mount and whenever `deps` change, then again on matching live events (throttled)
 * and every `intervalMs`. The previous data stays on screen while a new read runs, so an
 * update replaces values in place instead of flashing an empty state.
 */
export function useLiveQuery<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  options: LiveQueryOptions = {},
): LiveQuery<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const reloadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let disposed = false;
    let running: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastRun = 0;
    setState((previous) => ({ ...previous, loading: previous.data === undefined }));

    const run = async () => {
      timer = undefined;
      lastRun = Date.now();
      running?.abort();
      const controller = new AbortController();
      running = controller;
      try {
        const data = await loadRef.current(controller.signal);
        if (!disposed && running === controller) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (!disposed && running === controller && !controller.signal.aborted) {
          setState((previous) => ({ data: previous.data, error: error as Error, loading: false }));
        }
      }
    };
    const schedule = () => {
      if (disposed || timer) return;
      const wait = Math.max(0, lastRun + (optionsRef.current.throttleMs ?? 1_000) - Date.now());
      timer = setTimeout(run, wait);
    };
    reloadRef.current = () => {
      clearTimeout(timer);
      void run();
    };

    void run();
    const off = live.subscribe((event) => {
      if (event.event === 'resync' || optionsRef.current.refreshOn?.(event)) schedule();
    });
    const interval = options.intervalMs ? setInterval(schedule, options.intervalMs) : undefined;
    return () => {
      disposed = true;
      off();
      clearTimeout(timer);
      clearInterval(interval);
      running?.abort();
    };
    // The caller's deps decide when to start over; load and options are read through refs.
  }, deps);

  return { ...state, reload: () => reloadRef.current() };
}

/** The current time, ticking every `intervalMs` (heartbeat ages, relative times). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState(live.status);
  useEffect(() => live.onStatus(setStatus), []);
  return status;
}
