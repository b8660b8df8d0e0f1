package client

import (
	"encoding/json"
	"time"
)

// CreateTaskRequest is the body of POST /api/v1/tasks; field names are the API's.
type CreateTaskRequest struct {
	TaskType string `json:"task_type"`
	// Priority is 0 (NORMAL, the default) or 1 (HIGH).
	Priority int `json:"priority"`
	// Payload is any JSON object; nil is sent as {}.
	Payload map[string]any `json:"payload"`
	// Timeout in seconds overrides the task type's default_timeout.
	Timeout *int `json:"timeout,omitempty"`
	// MaxRetry overrides the task type's default_max_retry.
	MaxRetry *int `json:"max_retry,omitempty"`
	// Delay runs the task no earlier than now + Delay seconds.
	Delay *float64 `json:"delay,omitempty"`
	// RunAt runs the task no earlier than this time (give Delay or RunAt, not both).
	RunAt *time.Time `json:"run_at,omitempty"`
	// IdempotencyKey becomes the task_id: creating twice with one key returns the first task.
	// A create that carries one is retried on 503; one without is sent once.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// CreatedTask is the answer to a create.
type CreatedTask struct {
	TaskID string `json:"task_id"`
	// Status right after the create (empty for a batch create).
	Status string `json:"status,omitempty"`
	// Created is false when the idempotency key matched an existing task.
	Created bool `json:"created"`
}

// Task is a task as GET /api/v1/tasks/{id} answers it.
type Task struct {
	TaskID      string          `json:"task_id"`
	TaskType    string          `json:"task_type"`
	Priority    int             `json:"priority"`
	Status      string          `json:"status"`
	Payload     map[string]any  `json:"payload"`
	Result      json.RawMessage `json:"result"`
	ErrorMsg    *string         `json:"error_msg"`
	RetryCount  int             `json:"retry_count"`
	MaxRetry    int             `json:"max_retry"`
	Timeout     int             `json:"timeout"`
	WorkerID    *string         `json:"worker_id"`
	ScheduledAt time.Time       `json:"scheduled_at"`
	StartedAt   *time.Time      `json:"started_at"`
	CompletedAt *time.Time      `json:"completed_at"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// Final statuses: SUCCESS and CANCELLED, and FAILED / TIMEOUT once stored (an automatic
// retry goes back to PENDING in the same step).
var finalStatuses = map[string]bool{"SUCCESS": true, "FAILED": true, "TIMEOUT": true, "CANCELLED": true}

// IsFinal reports whether the task's status will not change again by itself.
func (t *Task) IsFinal() bool { return finalStatuses[t.Status] }

// TaskLog is one row of GET /api/v1/tasks/{id}/logs.
type TaskLog struct {
	ID          int64     `json:"id"`
	LogType     string    `json:"log_type"`
	FromStatus  *string   `json:"from_status"`
	ToStatus    *string   `json:"to_status"`
	Message     string    `json:"message"`
	WorkerID    *string   `json:"worker_id"`
	RetryCount  *int      `json:"retry_count"`
	ErrorDetail *string   `json:"error_detail"`
	CreatedAt   time.Time `json:"created_at"`
}

// ListTasksRequest filters GET /api/v1/tasks; zero values mean "any".
type ListTasksRequest struct {
	// Status is one status or a comma-separated list ("PENDING,PROCESSING").
	Status   string
	TaskType string
	// Priority filters on 0 or 1 when set.
	Priority    *int
	WorkerID    string
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	// Limit is the page size, 1..1000 (50 when 0).
	Limit int
	// Cursor is the NextCursor of the previous page.
	Cursor string
}

// TaskPage is one page of tasks, newest first.
type TaskPage struct {
	Items []Task `json:"items"`
	// NextCursor continues the listing; empty on the last page.
	NextCursor string `json:"next_cursor"`
}
