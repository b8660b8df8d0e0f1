package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustCreate(t *testing.T, c *Client, req *CreateTaskRequest) *CreatedTask {
	t.Helper()
	created, err := c.CreateTask(ctxFor(t), req)
	if err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	return created
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *client.Error, got %T %v", err, err)
	}
	return apiErr
}

func TestCreatesAnEchoTaskAndWaitsForSuccess(t *testing.T) {
	c := New(server.baseURL)
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo", Priority: 1, Payload: map[string]any{"hello": "world", "n": 2}})
	if created.TaskID == "" || !created.Created || created.Status != "PENDING" {
		t.Fatalf("unexpected create answer %+v", created)
	}
	task, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second)
	if err != nil {
		t.Fatalf("WaitForTask: %v", err)
	}
	var result map[string]any
	if err := json.Unmarshal(task.Result, &result); err != nil {
		t.Fatal(err)
	}
	if task.Status != "SUCCESS" || task.Priority != 1 || result["hello"] != "world" || result["n"] != float64(2) {
		t.Fatalf("unexpected task %+v result %v", task, result)
	}
	if !task.IsFinal() || task.CompletedAt == nil || task.WorkerID == nil {
		t.Fatalf("finished task lacks fields: %+v", task)
	}
}

func TestGetsATaskAndItsLogs(t *testing.T) {
	c := New(server.baseURL)
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo"})
	if _, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	task, err := c.GetTask(ctxFor(t), created.TaskID)
	if err != nil || task.TaskID != created.TaskID || task.CreatedAt.IsZero() {
		t.Fatalf("GetTask: %+v %v", task, err)
	}
	logs, err := c.GetTaskLogs(ctxFor(t), created.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	var transitions []string
	for _, log := range logs {
		from := "null"
		if log.FromStatus != nil {
			from = *log.FromStatus
		}
		if log.ToStatus != nil {
			transitions = append(transitions, from+">"+*log.ToStatus)
		}
	}
	if strings.Join(transitions, ",") != "null>PENDING,PENDING>PROCESSING,PROCESSING>SUCCESS" || logs[0].Message != "Task created" {
		t.Fatalf("unexpected logs %v", transitions)
	}
}

func TestCreatesABatchAndListsItPageByPage(t *testing.T) {
	c := New(server.baseURL)
	delay := 3600.0
	reqs := make([]CreateTaskRequest, 5)
	for i := range reqs {
		reqs[i] = CreateTaskRequest{TaskType: "sleep", Payload: map[string]any{"ms": 1, "i": i}, Delay: &delay}
	}
	created, err := c.CreateTasks(ctxFor(t), reqs)
	if err != nil || len(created) != 5 {
		t.Fatalf("CreateTasks: %v %v", created, err)
	}
	seen := map[string]bool{}
	pages := 0
	req := &ListTasksRequest{TaskType: "sleep", Status: "PENDING", Limit: 2}
	for {
		page, err := c.ListTasks(ctxFor(t), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items", len(page.Items))
		}
		pages++
		for _, task := range page.Items {
			if seen[task.TaskID] {
				t.Fatalf("task %s listed twice", task.TaskID)
			}
			seen[task.TaskID] = true
		}
		if page.NextCursor == "" {
			break
		}
		req.Cursor = page.NextCursor
	}
	for _, item := range created {
		if !seen[item.TaskID] {
			t.Fatalf("task %s not listed", item.TaskID)
		}
	}
	if pages < 3 {
		t.Fatalf("only %d pages", pages)
	}
}

func TestCancelsARunningTaskAndReportsTheConflictOfASecondCancel(t *testing.T) {
	c := New(server.baseURL)
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "sleep", Payload: map[string]any{"ms": 30000}})
	task, err := c.CancelTask(ctxFor(t), created.TaskID)
	if err != nil || task.Status != "CANCELLED" {
		t.Fatalf("CancelTask: %+v %v", task, err)
	}
	_, err = c.CancelTask(ctxFor(t), created.TaskID)
	apiErr := asError(t, err)
	if apiErr.Code != 40901 || apiErr.Status != 409 || apiErr.Message != "task cannot be cancelled, current status: CANCELLED" {
		t.Fatalf("unexpected error %+v", apiErr)
	}
}

func TestRetriesAFailedTask(t *testing.T) {
	c := New(server.baseURL)
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "fail", Payload: map[string]any{"message": "nope", "retryable": false}})
	failed, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second)
	if err != nil || failed.Status != "FAILED" || failed.ErrorMsg == nil || *failed.ErrorMsg != "nope" {
		t.Fatalf("expected FAILED with nope: %+v %v", failed, err)
	}
	retried, err := c.RetryTask(ctxFor(t), created.TaskID)
	if err != nil || retried.RetryCount != 0 {
		t.Fatalf("RetryTask: %+v %v", retried, err)
	}
	if again, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second); err != nil || again.Status != "FAILED" {
		t.Fatalf("after retry: %+v %v", again, err)
	}
}

func TestReturnsErrorsWithTheProductCode(t *testing.T) {
	c := New(server.baseURL)
	_, err := c.GetTask(ctxFor(t), "no-such-task")
	if e := asError(t, err); e.Code != 40401 || e.Status != 404 || e.Message != `task "no-such-task" not found` {
		t.Fatalf("unexpected %+v", e)
	}
	_, err = c.CreateTask(ctxFor(t), &CreateTaskRequest{TaskType: "echo", Priority: 7})
	e := asError(t, err)
	if e.Code != 40001 || e.Status != 400 || !strings.Contains(e.Message, "priority") || !strings.Contains(string(e.Details), `"path":"priority"`) {
		t.Fatalf("unexpected %+v details %s", e, e.Details)
	}
	_, err = c.CreateTask(ctxFor(t), &CreateTaskRequest{TaskType: "nope"})
	if e := asError(t, err); e.Code != 40002 {
		t.Fatalf("unexpected %+v", e)
	}
	if !strings.Contains(e.Error(), "40001") {
		t.Fatalf("Error() does not name the code: %s", e.Error())
	}
}

func TestGivesUpWaitingWithAWaitTimeoutError(t *testing.T) {
	c := New(server.baseURL, WithPollInterval(50*time.Millisecond))
	delay := 3600.0
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "sleep", Payload: map[string]any{"ms": 1}, Delay: &delay})
	started := time.Now()
	_, err := c.WaitForTask(ctxFor(t), created.TaskID, 300*time.Millisecond)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("want ErrWaitTimeout, got %v", err)
	}
	var timeout *WaitTimeoutError
	if !errors.As(err, &timeout) || timeout.LastStatus != "PENDING" || timeout.TaskID != created.TaskID {
		t.Fatalf("unexpected %+v", err)
	}
	if time.Since(started) > 3*time.Second {
		t.Fatalf("waited %s", time.Since(started))
	}
}

func TestTakesRunAtAndTheIdempotencyKey(t *testing.T) {
	c := New(server.baseURL)
	key := fmt.Sprintf("go-%d", time.Now().UnixNano())
	runAt := time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC)
	first := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo", RunAt: &runAt, IdempotencyKey: key})
	second := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo", RunAt: &runAt, IdempotencyKey: key})
	if first.TaskID != key || !first.Created || second.TaskID != key || second.Created {
		t.Fatalf("unexpected %+v %+v", first, second)
	}
	task, err := c.GetTask(ctxFor(t), key)
	if err != nil || !task.ScheduledAt.Equal(runAt) {
		t.Fatalf("scheduled_at %v %v", task, err)
	}
}

func TestPollsWithoutAnEventStreamAndAsksForItOnce(t *testing.T) {
	proxy := newFrontProxy(t)
	proxy.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/v1/events" {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"code":40402,"message":"not found"}`))
		return true
	})
	c := New(proxy.URL, WithPollInterval(50*time.Millisecond))
	for i := 0; i < 2; i++ {
		created := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo", Payload: map[string]any{"i": i}})
		if task, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second); err != nil || task.Status != "SUCCESS" {
			t.Fatalf("wait: %+v %v", task, err)
		}
	}
	if n := proxy.count("GET /api/v1/events"); n != 1 {
		t.Fatalf("asked for the event stream %d times", n)
	}
}

func TestWaitsOnTheRealEventStream(t *testing.T) {
	// The reverse proxy passes the server's event stream through as it comes.
	proxy := newFrontProxy(t)
	c := New(proxy.URL, WithPollInterval(10*time.Millisecond))
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "sleep", Payload: map[string]any{"ms": 500}})
	proxy.reset()
	task, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second)
	if err != nil || task.Status != "SUCCESS" {
		t.Fatalf("wait: %+v %v", task, err)
	}
	if n := proxy.count("GET /api/v1/events"); n != 1 {
		t.Fatalf("asked for the event stream %d times", n)
	}
	// Polling every 10 ms for 500 ms would read the task some fifty times; each event makes one read.
	if n := proxy.count("GET /api/v1/tasks/" + created.TaskID); n > 5 {
		t.Fatalf("read the task %d times", n)
	}
}

func TestRetriesGetsOn503(t *testing.T) {
	proxy := newFrontProxy(t)
	c := New(proxy.URL, WithRetries(3, 10*time.Millisecond))
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "echo"})
	proxy.unavailableFor(2, "GET", "/api/v1/tasks/")
	proxy.reset()
	if task, err := c.GetTask(ctxFor(t), created.TaskID); err != nil || task.TaskID != created.TaskID {
		t.Fatalf("GetTask through 503s: %+v %v", task, err)
	}
	if n := proxy.count("GET /api/v1/tasks/"); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}

	proxy.unavailableFor(5, "GET", "/api/v1/tasks/")
	_, err := New(proxy.URL, WithRetries(1, 10*time.Millisecond)).GetTask(ctxFor(t), "anything")
	if e := asError(t, err); e.Code != 50301 || e.Status != 503 {
		t.Fatalf("unexpected %+v", e)
	}
}

func TestRetriesACreateOnlyWithAnIdempotencyKey(t *testing.T) {
	proxy := newFrontProxy(t)
	c := New(proxy.URL, WithRetries(3, 10*time.Millisecond))
	proxy.unavailableFor(1, "POST", "/api/v1/tasks")
	_, err := c.CreateTask(ctxFor(t), &CreateTaskRequest{TaskType: "echo"})
	if e := asError(t, err); e.Code != 50301 {
		t.Fatalf("unexpected %+v", e)
	}
	key := fmt.Sprintf("go-retry-%d", time.Now().UnixNano())
	proxy.unavailableFor(2, "POST", "/api/v1/tasks")
	created, err := c.CreateTask(ctxFor(t), &CreateTaskRequest{TaskType: "echo", IdempotencyKey: key})
	if err != nil || created.TaskID != key || !created.Created {
		t.Fatalf("keyed create: %+v %v", created, err)
	}
}

func TestWaitsOnTheEventStreamWhenTheServerHasIt(t *testing.T) {
	proxy := newFrontProxy(t)
	reader := New(server.baseURL)
	proxy.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/v1/events" {
			return false
		}
		taskID := r.URL.Query().Get("task_id")
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		flusher := w.(http.Flusher)
		_, _ = w.Write([]byte(": connected\n\n"))
		flusher.Flush()
		for r.Context().Err() == nil {
			task, err := reader.GetTask(r.Context(), taskID)
			if err == nil && task.Status == "SUCCESS" {
				_, _ = w.Write([]byte("event: task_completed\ndata: {}\n\n"))
				flusher.Flush()
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		<-r.Context().Done()
		return true
	})
	c := New(proxy.URL, WithPollInterval(10*time.Millisecond))
	created := mustCreate(t, c, &CreateTaskRequest{TaskType: "sleep", Payload: map[string]any{"ms": 400}})
	proxy.reset()
	task, err := c.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second)
	if err != nil || task.Status != "SUCCESS" {
		t.Fatalf("wait: %+v %v", task, err)
	}
	if n := proxy.count("GET /api/v1/events"); n != 1 {
		t.Fatalf("asked for the event stream %d times", n)
	}
	// One read after subscribing, one after the event: polling every 10 ms would make dozens.
	if n := proxy.count("GET /api/v1/tasks/" + created.TaskID); n > 3 {
		t.Fatalf("%d reads of the task", n)
	}
}

func TestSendsTheAPIKey(t *testing.T) {
	secured, err := startLiveServer("TM_HTTP_API_KEYS=go-secret")
	if err != nil {
		t.Fatal(err)
	}
	defer secured.stop()
	_, err = New(secured.baseURL).CreateTask(ctxFor(t), &CreateTaskRequest{TaskType: "echo"})
	if e := asError(t, err); e.Code != 40101 || e.Status != 401 {
		t.Fatalf("unexpected %+v", e)
	}
	_, err = New(secured.baseURL, WithAPIKey("wrong")).GetTask(ctxFor(t), "x")
	if e := asError(t, err); e.Message != "invalid API key" {
		t.Fatalf("unexpected %+v", e)
	}
	keyed := New(secured.baseURL, WithAPIKey("go-secret"))
	created := mustCreate(t, keyed, &CreateTaskRequest{TaskType: "echo"})
	if task, err := keyed.WaitForTask(ctxFor(t), created.TaskID, 10*time.Second); err != nil || task.Status != "SUCCESS" {
		t.Fatalf("keyed wait: %+v %v", task, err)
	}
}
