import type { ServerResponse } from 'node:http';
import { createRoute, z } from '@hono/zod-openapi';
import { TASK_TYPE_PATTERN, DependencyUnavailableError } from '../../../core/index.ts';
import type { EventStreamHub } from '../events/event-stream-hub.ts';
import { API_PREFIX, errorResponses, type ApiApp } from './shared.ts';

const eventsQuerySchema = z.object({
  task_id: z.string().min(1).max(255).optional().openapi({ description: "Only this task's events." }),
  task_type: z
    .string()
    .regex(TASK_TYPE_PATTERN, { error: 'must be 1–64 characters of [A-Za-z0-9_.:-]' })
    .optional()
    .openapi({ description: 'Only events of tasks of this type.' }),
});

const lastEventIdHeader = z.object({
  'last-event-id': z.string().max(64).optional().openapi({
    description: 'The id of the last event received: the stream resumes after it while this process still holds it.',
  }),
});

const STREAM_DESCRIPTION = [
  'Server-Sent Events, one per event of the event bus (from every process of the cluster).',
  'Each is `id: <id>`, `event: <name>` and one `data:` line of JSON',
  '`{event, task_id?, task_type?, timestamp, origin, data}` (data: the event fields in snake_case).',
  'A comment line (`: keep-alive`) comes every 15 s. `event: resync` says events may have been missed:',
  're-read what you show. See docs/api.md, "Live events".',
].join(' ');

export function registerEventRoutes(app: ApiApp, hub: EventStreamHub): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/events`,
      tags: ['events'],
      summary: 'Live events (Server-Sent Events), optionally of one task or one task type',
      request: { query: eventsQuerySchema, headers: lastEventIdHeader },
      responses: {
        200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(400, 401, 500, 503),
      },
    }),
    (c) => {
      if (hub.isClosed) throw new DependencyUnavailableError('the event stream (the server is shutting down)');
      const query = c.req.valid('query');
      // Under @hono/node-server the Node response is at hand: a client too slow is cut off there.
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      const disconnect = outgoing ? () => outgoing.destroy() : undefined;
      const stream = hub.open(
        { taskId: query.task_id, taskType: query.task_type },
        c.req.valid('header')['last-event-id'],
        disconnect,
      );
      return c.body(stream, 200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Reverse proxies (nginx) would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      });
    },
  );
}
