-- async-task-manager: the MySQL schema (MySQL 8.0+ / MariaDB 10.6+, InnoDB, utf8mb4).
--
-- This file is the schema for people who apply it by hand:
--   mysql -u root task_manager < schema.sql
-- It is identical to the versioned migrations run by `taskmanager migrate`
-- (plugins/storage-mysql/migrations/); a test compares the two through
-- information_schema. Every CREATE uses IF NOT EXISTS, so running the migrations
-- on a database built from this file adopts it instead of failing.
--
-- Conventions:
-- * All times are DATETIME(3) in UTC (the storage plugin sets time_zone = '+00:00'
--   on every connection), so milliseconds survive the round trip.
-- * Identifier columns (task_id, task_type, worker_id) use utf8mb4_bin: idempotency
--   keys are case-sensitive and keyset pagination orders them byte-wise, the same
--   on MySQL 8 and MariaDB whatever their default collation.

CREATE TABLE IF NOT EXISTS task (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  task_id       VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  task_type     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  priority      TINYINT NOT NULL DEFAULT 0,
  status        VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'PENDING',
  payload       JSON NOT NULL,
  result        JSON NULL DEFAULT NULL,
  error_msg     TEXT NULL DEFAULT NULL,
  retry_count   INT NOT NULL DEFAULT 0,
  max_retry     INT NOT NULL DEFAULT 3,
  timeout       INT NOT NULL DEFAULT 300,
  worker_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL,
  scheduled_at  DATETIME(3) NOT NULL,
  started_at    DATETIME(3) NULL DEFAULT NULL,
  completed_at  DATETIME(3) NULL DEFAULT NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  -- The running attempt's last progress {"percent", "message", "updated_at"} (migration 003).
  progress      JSON NULL DEFAULT NULL,
  -- The W3C traceparent of the task's task.create span, written only while tracing is on
  -- (migration 007).
  trace_parent  VARCHAR(55) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT NULL,
  PRIMARY KEY (id),
  -- getTask / getTasks / transition (WHERE task_id IN ...), and the idempotency key.
  UNIQUE KEY uk_task_id (task_id),
  -- countByStatus (GROUP BY status, covered), listTasks filtered by status, and the scans of
  -- the in-flight PROCESSING rows: findTimedOut, countProcessingByType (covered). Few indexes
  -- hold status, since every status change rewrites an entry in each (migration 004).
  KEY idx_status_priority (status, priority, task_type),
  -- listTasks filtered by task_type.
  KEY idx_task_type (task_type),
  -- findProcessingByWorker (worker_id = ? AND status = 'PROCESSING'), and its prefix
  -- serves listTasks filtered by worker_id.
  KEY idx_worker_id (worker_id, status),
  -- listTasks keyset pagination: ORDER BY created_at DESC, task_id DESC with
  -- (created_at, task_id) < cursor, and the createdFrom / createdTo range.
  KEY idx_created_at (created_at, task_id),
  -- Operational scans of the schedule across statuses (delayed backlog reports).
  KEY idx_scheduled_at (scheduled_at),
  -- findDuePending: status = 'PENDING' AND scheduled_at <= ? ORDER BY scheduled_at, task_id
  -- (read in index order: no sort however large the backlog).
  KEY idx_status_scheduled (status, scheduled_at, task_id),
  -- retention: the oldest finished tasks (WHERE completed_at < ? AND status IN …).
  KEY idx_completed_at (completed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_logs (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  task_id       VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  log_type      VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  from_status   VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL,
  to_status     VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL,
  message       TEXT NOT NULL,
  worker_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL,
  retry_count   INT NULL DEFAULT NULL,
  error_detail  TEXT NULL DEFAULT NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  -- getLogs: WHERE task_id = ? ORDER BY id (the index is read in order, no sort).
  KEY idx_task_id (task_id, id),
  -- Audit and statistics by log type (e.g. every ERROR of the day).
  KEY idx_log_type (log_type),
  -- Archiving: DELETE ... WHERE created_at < ? ORDER BY created_at LIMIT n.
  KEY idx_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_config (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  task_type          VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  task_name          VARCHAR(128) NOT NULL,
  description        TEXT NULL DEFAULT NULL,
  executor_type      VARCHAR(64) NOT NULL,
  executor_config    JSON NOT NULL,
  default_timeout    INT NOT NULL DEFAULT 300,
  default_max_retry  INT NOT NULL DEFAULT 3,
  retry_strategy     VARCHAR(20) NOT NULL DEFAULT 'FIXED',
  retry_delay        INT NOT NULL DEFAULT 10,
  backoff_rate       DECIMAL(3,2) NOT NULL DEFAULT 2.00,
  max_concurrent     INT NOT NULL DEFAULT 10,
  enabled            BOOLEAN NOT NULL DEFAULT TRUE,
  created_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  -- The operator's switches (005): not written by the config sync's upsert.
  paused             BOOLEAN NOT NULL DEFAULT FALSE,
  rate_limit_max     INT NULL DEFAULT NULL,
  rate_limit_per_ms  INT NULL DEFAULT NULL,
  PRIMARY KEY (id),
  -- getTaskType and the upsert (ON DUPLICATE KEY UPDATE) of upsertTaskTypes.
  UNIQUE KEY uk_task_type (task_type),
  -- Listing the enabled types.
  KEY idx_enabled (enabled)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS worker_registry (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  worker_id       VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  worker_name     VARCHAR(128) NOT NULL,
  address         VARCHAR(256) NOT NULL,
  status          VARCHAR(20) NOT NULL DEFAULT 'ONLINE',
  capacity        INT NOT NULL DEFAULT 10,
  current_load    INT NOT NULL DEFAULT 0,
  supported_types JSON NOT NULL,
  weight          INT NOT NULL DEFAULT 1,
  last_heartbeat  DATETIME(3) NOT NULL,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  -- upsertWorker (ON DUPLICATE KEY UPDATE) and markWorkerOffline.
  UNIQUE KEY uk_worker_id (worker_id),
  -- Fault analysis: workers by status.
  KEY idx_status (status),
  -- Capacity planning / stale-worker reports by heartbeat age.
  KEY idx_last_heartbeat (last_heartbeat)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Cron schedules (005): the leader fires the due ones (next_run_at <= now, enabled).
CREATE TABLE IF NOT EXISTS task_schedule (
  schedule_id   VARCHAR(39) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  cron          VARCHAR(255) NOT NULL,
  timezone      VARCHAR(64) NOT NULL,
  task          JSON NOT NULL,
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  next_run_at   DATETIME(3) NULL DEFAULT NULL,
  last_run_at   DATETIME(3) NULL DEFAULT NULL,
  created_at    DATETIME(3) NOT NULL,
  updated_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (schedule_id),
  -- findDueSchedules and findNextRunAt.
  KEY idx_enabled_next_run (enabled, next_run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Task dependencies (migration 006): one row per edge "task_id waits for depends_on".
CREATE TABLE IF NOT EXISTS task_dependency (
  task_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  depends_on  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  position    INT NOT NULL,
  state       VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'WAITING',
  -- A task's edges (getDependencies, and findDuePending's "waits on nothing" check).
  PRIMARY KEY (task_id, depends_on),
  -- The edges on a dependency by state: filterDependedOn, settleDependencies, reconciliation.
  KEY idx_depends_on_state (depends_on, state),
  -- Reconciliation: the WAITING and BROKEN edges, whatever their dependency.
  KEY idx_state (state, depends_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
