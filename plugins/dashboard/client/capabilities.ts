/**
 * What this server offers beyond the base API, read once from its OpenAPI document (public,
 * no side effects): a view or a button appears only when its endpoint exists. Fields that only
 * newer servers return (`paused`, `rate_limit`, `depends_on`, `schedule_id`) are detected where
 * they are shown. plugins/dashboard/README.md lists where each one plugs in.
 */
export interface Capabilities {
  /** POST /api/v1/tasks/retry and /cancel with `{filter, limit}` → `{count}`. */
  bulkActions: boolean;
  /** POST /api/v1/task-types/:type/pause and /resume. */
  pauseTaskTypes: boolean;
  /** GET /api/v1/schedules (the view also hides itself on a 404). */
  schedules: boolean;
  /** POST /api/v1/schedules/:id/pause and /resume. */
  pauseSchedules: boolean;
}

export const NO_CAPABILITIES: Capabilities = {
  bulkActions: false,
  pauseTaskTypes: false,
  schedules: false,
  pauseSchedules: false,
};

type Paths = Record<string, Record<string, unknown> | undefined>;

export function capabilitiesOf(paths: Paths): Capabilities {
  const has = (method: string, path: string) => paths[path]?.[method] !== undefined;
  return {
    bulkActions: has('post', '/api/v1/tasks/retry') && has('post', '/api/v1/tasks/cancel'),
    pauseTaskTypes: has('post', '/api/v1/task-types/{type}/pause') && has('post', '/api/v1/task-types/{type}/resume'),
    schedules: has('get', '/api/v1/schedules'),
    pauseSchedules: has('post', '/api/v1/schedules/{id}/pause') && has('post', '/api/v1/schedules/{id}/resume'),
  };
}

export async function loadCapabilities(): Promise<Capabilities> {
  try {
    const response = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return NO_CAPABILITIES;
    const document = (await response.json()) as { paths?: Paths };
    return capabilitiesOf(document.paths ?? {});
  } catch {
    return NO_CAPABILITIES;
  }
}
