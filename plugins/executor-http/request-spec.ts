import { z } from 'zod';
import { NonRetryableError, type JsonObject, type JsonValue } from '../../core/index.ts';

const methodSchema = z
  .string()
  .transform((m) => m.toUpperCase())
  .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']));
const headersSchema = z.record(z.string(), z.string());

/** The task type's `executorConfig` as this executor reads it. */
const executorConfigSchema = z.object({
  url: z.string().optional(),
  method: methodSchema.optional(),
  headers: headersSchema.optional(),
});

/** The request fields a payload may carry when the task type's config names no url. */
const payloadRequestSchema = z.object({
  url: z.string(),
  method: methodSchema.optional(),
  headers: headersSchema.optional(),
});

export interface RequestSpec {
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** JSON text, or undefined for GET/HEAD. */
  body: string | undefined;
}

function describeIssue(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  return `${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
}

function parseUrl(raw: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NonRetryableError(`${source} is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NonRetryableError(`${source} must be http(s), got "${url.protocol}"`);
  }
  return url;
}

/**
 * Builds the request. With `executorConfig.url`, the whole payload is the JSON body. Without
 * it, the payload names the request: `{ url, method?, headers?, body? }`, and the body is
 * `payload.body` (or the payload without those request fields). Config problems are
 * non-retryable: the same task would fail the same way every time.
 */
export function buildRequestSpec(payload: JsonObject, executorConfig: JsonObject): RequestSpec {
  const config = executorConfigSchema.safeParse(executorConfig);
  if (!config.success) throw new NonRetryableError(describeIssue(config.error, 'executorConfig'));

  let url: URL;
  let method = config.data.method ?? 'POST';
  let headers = { ...config.data.headers };
  let bodyValue: JsonValue = payload;

  if (config.data.url !== undefined) {
    url = parseUrl(config.data.url, 'executorConfig.url');
  } else {
    if (payload.url === undefined) {
      throw new NonRetryableError('no url: set executorConfig.url on the task type or payload.url on the task');
    }
    const fromPayload = payloadRequestSchema.safeParse(payload);
    if (!fromPayload.success) throw new NonRetryableError(describeIssue(fromPayload.error, 'payload'));
    url = parseUrl(fromPayload.data.url, 'payload.url');
    method = fromPayload.data.method ?? method;
    headers = { ...headers, ...fromPayload.data.headers };
    const { url: _url, method: _method, headers: _headers, body, ...rest } = payload;
    bodyValue = body !== undefined ? body : rest;
  }

  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return { url, method, headers, body: hasBody ? JSON.stringify(bodyValue) : undefined };
}
