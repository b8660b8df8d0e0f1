import type { OpenAPIHono } from '@hono/zod-openapi';
import type { RequestIdVariables } from 'hono/request-id';
import type { ClusterService, TaskService } from '../../../core/index.ts';
import { errorEnvelopeSchema } from '../envelope.ts';

/** `apiKey`: the name of the API key that made the request, when keys are configured. */
export type ApiEnv = { Variables: RequestIdVariables & { apiKey?: string } };
export type ApiApp = OpenAPIHono<ApiEnv>;

export interface RouteDeps {
  tasks: TaskService;
  cluster: ClusterService;
}

export const API_PREFIX = '/api/v1';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameter (40001) or unknown / disabled task type (40002)',
  401: 'Missing or invalid API key (40101)',
  403: 'The API key lacks the scope the call needs (40301)',
  404: 'Not found (40401 task, 40402 other resource)',
  409: 'Invalid state for the operation (40901)',
  413: 'Request body too large (41301)',
  429: 'Too many requests (42901); Retry-After says when to try again',
  500: 'Internal error (50001)',
  503: 'A dependency is unavailable (50301)',
};

/** The error answers a route may give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]) {
  // Every route behind API keys can also answer 403 (a key without the scope).
  const all = statuses.includes(401) ? [...statuses, 403] : statuses;
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: errorEnvelopeSchema } },
      },
    ]),
  );
}

export function jsonBody<T>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}
