/**
 * A gRPC client built the way a user builds one: from proto/task_service.proto with
 * @grpc/proto-loader, nothing shared with the server's code. Calls resolve with the response
 * or with the ServiceError (status code, message, trailing metadata) so tests assert on both.
 */
import { fileURLToPath } from 'node:url';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const PROTO_FILE = fileURLToPath(new URL('../../proto/task_service.proto', import.meta.url));

type Callback = (error: ServiceError | null, response: Answer) => void;
// Responses are plain objects whose shape each test asserts.
export type Answer = any;
type Method = (...args: unknown[]) => unknown;

export interface GrpcCallResult {
  response?: Answer;
  error?: ServiceError;
}

export interface TaskServiceClient {
  raw: Client;
  call(method: string, request?: object, options?: CallOptions): Promise<GrpcCallResult>;
  /** Calls and fails the test with the status when the call fails. */
  ok(method: string, request?: object, options?: Omit<CallOptions, 'timeoutMs'>): Promise<Answer>;
  stream(
    method: string,
    request: object,
    options?: { apiKey?: string; timeoutMs?: number },
  ): ClientReadableStream<Answer>;
  close(): void;
}

export const LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true } as const;

export interface CallOptions {
  apiKey?: string;
  timeoutMs?: number;
  /** More request metadata entries (e.g. traceparent). */
  metadata?: Record<string, string>;
}

export function taskServiceClient(address: string): TaskServiceClient {
  const definition = loadSync(PROTO_FILE, LOADER_OPTIONS);
  const loaded = loadPackageDefinition(definition) as unknown as {
    taskservice: { TaskService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client };
  };
  const raw = new loaded.taskservice.TaskService(address, credentials.createInsecure());
  const methods = raw as unknown as Record<string, Method>;
  const metadataFor = (apiKey?: string, entries: Record<string, string> = {}) => {
    const metadata = new Metadata();
    if (apiKey !== undefined) metadata.set('authorization', `Bearer ${apiKey}`);
    for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
    return metadata;
  };

  const call: TaskServiceClient['call'] = (method, request = {}, options = {}) =>
    new Promise((resolve) => {
      const fn = methods[method];
      if (!fn) throw new Error(`no method ${method}`);
      const callback: Callback = (error, response) => resolve(error ? { error } : { response });
      fn.apply(raw, [
        request,
        metadataFor(options.apiKey, options.metadata),
        { deadline: Date.now() + (options.timeoutMs ?? 10_000) },
        callback,
      ]);
    });

  return {
    raw,
    call,
    async ok(method, request, options) {
      const { response, error } = await call(method, request, options);
      if (error)
        throw new Error(`${method} failed: ${error.code} ${error.details} (tm-code ${error.metadata?.get('tm-code')})`);
      return response;
    },
    stream(method, request, options = {}) {
      const fn = methods[method]!;
      return fn.apply(raw, [
        request,
        metadataFor(options.apiKey),
        { deadline: Date.now() + (options.timeoutMs ?? 10_000) },
      ]) as ClientReadableStream<Answer>;
    },
    close: () => raw.close(),
  };
}

/** The product's code from trailing metadata, as a number. */
export function tmCode(error: ServiceError | undefined): number | undefined {
  const value = error?.metadata?.get('tm-code')[0];
  return value === undefined ? undefined : Number(value);
}

/**
 * Reads a server stream to its end; resolves with the messages and the closing error, if any.
 * `messages` (when given) fills as they arrive, so a test can wait on them meanwhile.
 */
export function collect(
  stream: ClientReadableStream<Answer>,
  messages: Answer[] = [],
): Promise<{ messages: Answer[]; error?: ServiceError }> {
  return new Promise((resolve) => {
    stream.on('data', (message) => messages.push(message));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}
