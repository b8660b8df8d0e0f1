package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// CreateTask creates one task (POST /api/v1/tasks).
func (c *Client) CreateTask(ctx context.Context, req *CreateTaskRequest) (*CreatedTask, error) {
	body := withPayload(*req)
	var out CreatedTask
	if err := c.call(ctx, "POST", "/api/v1/tasks", nil, body, &out, req.IdempotencyKey != ""); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateTasks creates a batch, all or nothing (POST /api/v1/tasks/batch).
func (c *Client) CreateTasks(ctx context.Context, reqs []CreateTaskRequest) ([]CreatedTask, error) {
	bodies := make([]CreateTaskRequest, len(reqs))
	retryable := len(reqs) > 0
	for i, req := range reqs {
		bodies[i] = withPayload(req)
		retryable = retryable && req.IdempotencyKey != ""
	}
	var out struct {
		Tasks []CreatedTask `json:"tasks"`
	}
	if err := c.call(ctx, "POST", "/api/v1/tasks/batch", nil, map[string]any{"tasks": bodies}, &out, retryable); err != nil {
		return nil, err
	}
	return out.Tasks, nil
}

// GetTask reads a task (GET /api/v1/tasks/{id}).
func (c *Client) GetTask(ctx context.Context, taskID string) (*Task, error) {
	var out Task
	if err := c.call(ctx, "GET", "/api/v1/tasks/"+url.PathEscape(taskID), nil, nil, &out, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTasks reads one page of tasks, newest first (GET /api/v1/tasks); pass the page's
// NextCursor as req.Cursor for the next one. req may be nil.
func (c *Client) ListTasks(ctx context.Context, req *ListTasksRequest) (*TaskPage, error) {
	query := url.Values{}
	if req != nil {
		set := func(key, value string) {
			if value != "" {
				query.Set(key, value)
			}
		}
		set("status", req.Status)
		set("task_type", req.TaskType)
		set("worker_id", req.WorkerID)
		set("cursor", req.Cursor)
		if req.Priority != nil {
			query.Set("priority", strconv.Itoa(*req.Priority))
		}
		if req.CreatedFrom != nil {
			query.Set("created_from", req.CreatedFrom.UTC().Format(time.RFC3339Nano))
		}
		if req.CreatedTo != nil {
			query.Set("created_to", req.CreatedTo.UTC().Format(time.RFC3339Nano))
		}
		if req.Limit > 0 {
			query.Set("limit", strconv.Itoa(req.Limit))
		}
	}
	var out TaskPage
	if err := c.call(ctx, "GET", "/api/v1/tasks", query, nil, &out, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelTask cancels a PENDING or PROCESSING task (POST /api/v1/tasks/{id}/cancel).
func (c *Client) CancelTask(ctx context.Context, taskID string) (*Task, error) {
	var out Task
	if err := c.call(ctx, "POST", "/api/v1/tasks/"+url.PathEscape(taskID)+"/cancel", nil, nil, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// RetryTask puts a FAILED or TIMEOUT task back to PENDING (POST /api/v1/tasks/{id}/retry).
func (c *Client) RetryTask(ctx context.Context, taskID string) (*Task, error) {
	var out Task
	if err := c.call(ctx, "POST", "/api/v1/tasks/"+url.PathEscape(taskID)+"/retry", nil, nil, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetTaskLogs reads a task's log rows, oldest first (GET /api/v1/tasks/{id}/logs).
func (c *Client) GetTaskLogs(ctx context.Context, taskID string) ([]TaskLog, error) {
	var out []TaskLog
	if err := c.call(ctx, "GET", "/api/v1/tasks/"+url.PathEscape(taskID)+"/logs", nil, nil, &out, true); err != nil {
		return nil, err
	}
	return out, nil
}

func withPayload(req CreateTaskRequest) CreateTaskRequest {
	if req.Payload == nil {
		req.Payload = map[string]any{}
	}
	return req
}
