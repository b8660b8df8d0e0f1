import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The typed shape of the four tables of schema.sql, as kysely sees them, on both SQL
 * storages (storage-mysql, storage-postgres).
 *
 * JSON columns travel as text both ways: MySQL's pool typeCast returns JSON as a string
 * (MariaDB stores JSON as LONGTEXT anyway), PostgreSQL's pool parses neither json nor jsonb,
 * and row-mapping.ts parses it, so a JSON string value ("done") is never confused with JSON
 * text. DATETIME(3) / timestamptz columns read as Date; BIGINT ids and counts as numbers.
 */
type JsonText = string;
/** Columns the database fills by default when an insert leaves them out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<Date, Date | undefined, Date>;

export interface TaskTable {
  id: Generated<number>;
  task_id: string;
  task_type: string;
  priority: number;
  status: string;
  payload: JsonText;
  result: JsonText | null;
  error_msg: string | null;
  retry_count: number;
  max_retry: number;
  timeout: number;
  worker_id: string | null;
  scheduled_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** MySQL migration 003 (PostgreSQL 001): `{"percent", "message", "updated_at"}` of the running attempt. */
  progress: ColumnType<JsonText | null, JsonText | null | undefined, JsonText | null>;
  /** MySQL migration 007 / PostgreSQL 004: the W3C traceparent of the task's `task.create` span, while tracing is on. */
  trace_parent: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TaskLogTable {
  id: Generated<number>;
  task_id: string;
  log_type: string;
  from_status: string | null;
  to_status: string | null;
  message: string;
  worker_id: string | null;
  retry_count: number | null;
  error_detail: string | null;
  created_at: Timestamp;
}

export interface TaskConfigTable {
  id: Generated<number>;
  task_type: string;
  task_name: string;
  description: string | null;
  executor_type: string;
  executor_config: JsonText;
  default_timeout: Defaulted<number>;
  default_max_retry: Defaulted<number>;
  retry_strategy: Defaulted<string>;
  retry_delay: Defaulted<number>;
  /** DECIMAL(3,2) / NUMERIC(3,2): both drivers return it as a string ("2.00"). */
  backoff_rate: ColumnType<string, number | string | undefined, number | string>;
  max_concurrent: Defaulted<number>;
  /** MySQL's BOOLEAN is TINYINT(1) and reads back as 0 / 1; PostgreSQL's reads back as a boolean. */
  enabled: ColumnType<number | boolean, boolean | number | undefined, boolean | number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkerRegistryTable {
  id: Generated<number>;
  worker_id: string;
  worker_name: string;
  address: string;
  status: Defaulted<string>;
  capacity: Defaulted<number>;
  current_load: Defaulted<number>;
  supported_types: JsonText;
  weight: Defaulted<number>;
  last_heartbeat: Date;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  task: TaskTable;
  task_logs: TaskLogTable;
  task_config: TaskConfigTable;
  worker_registry: WorkerRegistryTable;
}

export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
export type TaskLogRow = Selectable<TaskLogTable>;
export type NewTaskLogRow = Insertable<TaskLogTable>;
export type TaskConfigRow = Selectable<TaskConfigTable>;
export type NewTaskConfigRow = Insertable<TaskConfigTable>;
export type WorkerRow = Selectable<WorkerRegistryTable>;
export type NewWorkerRow = Insertable<WorkerRegistryTable>;
