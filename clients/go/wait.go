package client

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// With an event stream, the task is still re-read this often in case an event was missed.
const eventRecheck = 5 * time.Second

// WaitForTask returns the task once it is SUCCESS, FAILED, TIMEOUT or CANCELLED (check
// Status). It listens on GET /api/v1/events (Server-Sent Events) when the server has it and
// polls otherwise. After timeout it returns a *WaitTimeoutError (errors.Is ErrWaitTimeout).
func (c *Client) WaitForTask(ctx context.Context, taskID string, timeout time.Duration) (*Task, error) {
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last *Task
	finished := func() (bool, error) {
		task, err := c.GetTask(waitCtx, taskID)
		if err != nil {
			return false, err
		}
		last = task
		return task.IsFinal(), nil
	}
	done, err := c.waitWithEvents(waitCtx, taskID, finished)
	for err == nil && !done {
		if done, err = finished(); err == nil && !done {
			err = sleep(waitCtx, c.pollInterval)
		}
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			status := ""
			if last != nil {
				status = last.Status
			}
			return nil, &WaitTimeoutError{TaskID: taskID, LastStatus: status, Timeout: timeout}
		}
		return nil, err
	}
	return last, nil
}

// waitWithEvents reports true when the task finished while listening, false to poll instead.
func (c *Client) waitWithEvents(ctx context.Context, taskID string, finished func() (bool, error)) (bool, error) {
	if c.eventsUnavailable() {
		return false, nil
	}
	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	req, err := c.newRequest(streamCtx, "GET", c.url("/api/v1/events", url.Values{"task_id": {taskID}}), nil, "text/event-stream")
	if err != nil {
		return false, err
	}
	res, err := c.httpClient.Do(req)
	if err != nil {
		return false, nil
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		c.markNoEvents()
		return false, nil
	}
	if res.StatusCode >= 400 {
		raw := make([]byte, 64*1024)
		n, _ := res.Body.Read(raw)
		return false, decode(res.StatusCode, raw[:n], nil)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		return false, nil
	}

	events := make(chan struct{}, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		scanner := bufio.NewScanner(res.Body)
		for scanner.Scan() {
			if strings.HasPrefix(scanner.Text(), "data:") {
				select {
				case events <- struct{}{}:
				default: // a re-read is already due
				}
			}
		}
	}()
	ticker := time.NewTicker(eventRecheck)
	defer ticker.Stop()
	// Subscribed first, read second: a change in between arrives as an event.
	for {
		if done, err := finished(); done || err != nil {
			return done, err
		}
		select {
		case <-events:
		case <-ticker.C:
		case <-ended:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}
