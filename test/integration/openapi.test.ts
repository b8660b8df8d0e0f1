import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiManager, type ApiFixture } from '../helpers/http-api-manager.ts';

// The document as served; its shape is asserted field by field below.
type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<string, { security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>
  >;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  security?: unknown[];
};

describe('OpenAPI document', () => {
  let f: ApiFixture;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    f = await startApiManager({ apiKeys: ['doc-key'] });
    const res = await f.api.app!.request('/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await f?.manager.stop();
  });

  it('has the required top-level fields of OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
  });

  it('passes a full OpenAPI validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every path and method the app serves', () => {
    const served = f.api
      .app!.routes.filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }));
    expect(served.length).toBeGreaterThan(15);
    for (const { method, path } of served) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const path of [
      '/api/v1/tasks',
      '/api/v1/tasks/batch',
      '/api/v1/tasks/{id}/cancel',
      '/api/v1/task-types/{type}',
      '/metrics',
      '/healthz',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('documents the schemas, errors and bearer auth from the same zod schemas', () => {
    const create = doc.paths['/api/v1/tasks']!.post!;
    expect(create.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateTaskRequest' } } },
    });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '413']));
    const request = doc.components!.schemas!.CreateTaskRequest as {
      required: string[];
      properties: Record<string, { type?: unknown }>;
    };
    expect(request.required.sort()).toEqual(['payload', 'task_type']);
    expect(Object.keys(request.properties)).toEqual(
      expect.arrayContaining([
        'task_type',
        'priority',
        'payload',
        'timeout',
        'max_retry',
        'delay',
        'run_at',
        'idempotency_key',
      ]),
    );
    expect(doc.components!.schemas!.Task).toBeDefined();
    expect(doc.components!.schemas!.Error).toBeDefined();
    expect(doc.components!.securitySchemes!.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.paths['/metrics']!.get!.security).toEqual([]);
  });
});
