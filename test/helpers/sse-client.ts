import { waitFor } from './wait.ts';

export interface SseMessage {
  id: string | undefined;
  event: string;
  /** The parsed `data:` JSON. */
  // The tests assert its shape.
  data: any;
}

export interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  readonly messages: SseMessage[];
  /** Comment lines seen (`: keep-alive`). */
  readonly comments: string[];
  /** Resolves when the server ends the stream (or it breaks). */
  readonly ended: Promise<void>;
  /** The first message matching, waiting up to `timeoutMs`. */
  waitFor(predicate: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
}

/** Connects to a Server-Sent Events URL with fetch (so it can send headers) and collects what comes. */
export async function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const ended =
    response.ok && response.body
      ? read(response.body, messages, comments).catch(() => undefined)
      : response.text().then(() => undefined);
  return {
    status: response.status,
    headers: response.headers,
    messages,
    comments,
    ended,
    async waitFor(predicate, timeoutMs = 5_000) {
      return waitFor(() => messages.find(predicate), { timeoutMs, message: 'a matching event' });
    },
    close: () => abort.abort(),
  };
}

async function read(body: ReadableStream<Uint8Array>, messages: SseMessage[], comments: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) messages.push({ id, event, data: JSON.parse(data.join('\n')) });
    }
  }
}
