/**
 * The HTTP API as the dashboard calls it: the `{code, message, data}` envelope unwrapped, the
 * API key (kept for this browser tab only, in sessionStorage) sent as a bearer token.
 */
import type { Envelope } from './types.ts';

const KEY_STORAGE = 'taskmanager.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
const keyListeners = new Set<Listener>();

export const apiKey = {
  get(): string | null {
    try {
      return sessionStorage.getItem(KEY_STORAGE);
    } catch {
      return null;
    }
  },
  set(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
    for (const listener of keyListeners) listener();
  },
  clear(): void {
    sessionStorage.removeItem(KEY_STORAGE);
    for (const listener of keyListeners) listener();
  },
  /** Told whenever the key is set or forgotten. */
  onChange(listener: Listener): () => void {
    keyListeners.add(listener);
    return () => keyListeners.delete(listener);
  },
};

/** Told when the server answers 401: the key is missing or refused. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  const key = apiKey.get();
  return key ? { authorization: `Bearer ${key}` } : {};
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
  /** Answer 401 without telling the listeners (probing a key). */
  quiet401?: boolean;
}

/** Calls the API and returns `data`; throws ApiError with the product's code otherwise. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const envelope = (await response.json().catch(() => undefined)) as Envelope<T> | undefined;
  if (response.status === 401 && !options.quiet401) for (const listener of unauthorizedListeners) listener();
  if (!response.ok || !envelope || envelope.code !== 0) {
    throw new ApiError(response.status, envelope?.code ?? 0, envelope?.message ?? `HTTP ${response.status}`);
  }
  return envelope.data;
}

/** Builds `path?query` leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
