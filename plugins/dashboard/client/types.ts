/**
 * The API's shapes as the dashboard reads them (docs/api.md). Fields that only newer servers
 * have are optional: a view shows them when present (plugins/dashboard/README.md, "Views that
 * appear when the server has them").
 */

export const STATUSES = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED'] as const;
export type TaskStatus = (typeof STATUSES)[number];

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export interface TaskProgress {
  percent: number;
  message: string | null;
  updated_at: string;
}

export interface Task {
  task_id: string;
  task_type: string;
  priority: number;
  status: TaskStatus;
  payload: Record<string, unknown>;
  result: unknown;
  error_msg: string | null;
  retry_count: number;
  max_retry: number;
  timeout: number;
  worker_id: string | null;
  scheduled_at: string;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  progress: TaskProgress | null;
  /** Servers with dependencies. */
  depends_on?: string[];
  /** Servers with cron schedules: the schedule that fired this task. */
  schedule_id?: string | null;
}

export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
}

export interface TaskLog {
  id: number;
  log_type: string;
  from_status: TaskStatus | null;
  to_status: TaskStatus | null;
  message: string;
  worker_id: string | null;
  retry_count: number | null;
  error_detail: string | null;
  created_at: string;
}

export interface TaskType {
  task_type: string;
  task_name: string;
  description: string | null;
  executor_type: string;
  default_timeout: number;
  default_max_retry: number;
  retry_strategy: 'FIXED' | 'EXPONENTIAL';
  retry_delay: number;
  max_concurrent: number;
  enabled: boolean;
  /** Servers with pause/resume per task type. */
  paused?: boolean;
  /** Servers with rate limits per task type. */
  rate_limit?: { max: number; per_seconds: number } | null;
}

export interface Worker {
  worker_id: string;
  worker_name: string;
  address: string;
  status: 'ONLINE' | 'OFFLINE';
  healthy: boolean;
  capacity: number;
  current_load: number;
  in_flight: number;
  supported_types: string[];
  last_heartbeat: string;
}

export interface SchedulerStatus {
  leader_id: string | null;
  is_leader: boolean;
  leader_since: string | null;
}

export interface QueueLengths {
  high: number;
  normal: number;
  delayed: number;
  claimed: number;
}

export interface Stats {
  tasks: { by_status: Record<TaskStatus, number>; total: number };
}

/** A cron schedule (servers with schedules). */
export interface Schedule {
  schedule_id: string;
  cron: string;
  timezone?: string | null;
  task: { task_type: string; priority?: number | null };
  enabled?: boolean;
  paused?: boolean;
  next_run_at?: string | null;
}

/** One message of GET /api/v1/events. */
export interface LiveEvent {
  event: string;
  task_id?: string;
  task_type?: string;
  timestamp: string;
  origin: string;
  data: Record<string, unknown>;
}
