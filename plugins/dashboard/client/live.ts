/**
 * One GET /api/v1/events stream for the whole page, read with fetch (EventSource cannot send
 * the API key header). It reconnects by itself and sends `Last-Event-ID`, so the server
 * replays what was missed; when it cannot, it sends `resync` and every view re-reads.
 */
import { authHeaders } from './api.ts';
import type { LiveEvent } from './types.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';
type EventListener = (event: LiveEvent) => void;
type StatusListener = (status: LiveStatus) => void;

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 10_000;

class LiveStream {
  private readonly listeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private current: LiveStatus = 'stopped';
  private lastEventId: string | undefined;
  private abort: AbortController | undefined;
  private generation = 0;

  get status(): LiveStatus {
    return this.current;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** (Re)connects, e.g. once an API key is known. */
  start(): void {
    this.stop();
    const generation = ++this.generation;
    void this.run(generation);
  }

  stop(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    this.setStatus('stopped');
  }

  private async run(generation: number): Promise<void> {
    let delay = RETRY_MIN_MS;
    this.setStatus('connecting');
    while (generation === this.generation) {
      this.abort = new AbortController();
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
        if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
        const response = await fetch('/api/v1/events', { headers, signal: this.abort.signal, cache: 'no-store' });
        if (response.status === 401) {
          // The key is missing or refused: the page asks for one and calls start() again.
          this.setStatus('stopped');
          return;
        }
        if (response.ok && response.body) {
          this.setStatus('live');
          delay = RETRY_MIN_MS;
          await this.read(response.body);
        }
      } catch {
        // Network error or aborted: retried below unless stopped.
      }
      if (generation !== this.generation) return;
      this.setStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private dispatch(block: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(data.join('\n')) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of this.listeners) listener(event);
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

export const live = new LiveStream();
