// Package client is the Go client of the async-task-manager HTTP API (standard library only).
//
//	c := client.New("http://localhost:8080", client.WithAPIKey(os.Getenv("TM_API_KEY")))
//	created, err := c.CreateTask(ctx, &client.CreateTaskRequest{TaskType: "echo", Payload: map[string]any{"hello": "world"}})
//	task, err := c.WaitForTask(ctx, created.TaskID, 30*time.Second)
//
// GETs, and creates that carry an idempotency key, are retried on 503 and network errors
// with exponential backoff; other calls are sent once. Every error answer is an *Error with
// the product's code.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const maxBackoff = 5 * time.Second

// Client talks to one server. It is safe for concurrent use.
type Client struct {
	baseURL    string
	apiKey     string
	httpClient *http.Client
	timeout    time.Duration
	maxRetries int
	retryBase  time.Duration
	// How often WaitForTask reads the task when the server has no event stream.
	pollInterval time.Duration
	// 1 once GET /api/v1/events answered 404: waits poll from then on.
	noEvents int32
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sends `Authorization: Bearer <key>` on every call.
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithHTTPClient uses this http.Client (transport, proxies, TLS).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.httpClient = h } }

// WithTimeout bounds each attempt of a call (10 s by default).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithRetries sets the extra attempts of a retryable call (3) and the first backoff (200 ms).
func WithRetries(max int, base time.Duration) Option {
	return func(c *Client) { c.maxRetries, c.retryBase = max, base }
}

// WithPollInterval sets how often WaitForTask polls when the server has no event stream (500 ms).
func WithPollInterval(d time.Duration) Option { return func(c *Client) { c.pollInterval = d } }

// New returns a client of the server at baseURL, e.g. http://localhost:8080.
func New(baseURL string, opts ...Option) *Client {
	c := &Client{
		baseURL:      strings.TrimRight(baseURL, "/"),
		httpClient:   http.DefaultClient,
		timeout:      10 * time.Second,
		maxRetries:   3,
		retryBase:    200 * time.Millisecond,
		pollInterval: 500 * time.Millisecond,
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

type envelope struct {
	Code    *int            `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Details json.RawMessage `json:"details"`
}

func (c *Client) url(path string, query url.Values) string {
	u := c.baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

func (c *Client) newRequest(ctx context.Context, method, target string, body []byte, accept string) (*http.Request, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "async-task-manager-go/0.1.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	return req, nil
}

// call sends one API call and decodes the envelope's data into out.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in any, out any, retryable bool) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		canRetry := retryable && attempt < c.maxRetries
		status, raw, header, err := c.send(ctx, method, c.url(path, query), body)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if canRetry {
				if err := sleep(ctx, c.backoff(attempt)); err != nil {
					return err
				}
				continue
			}
			return &Error{Code: 0, Status: 0, Message: fmt.Sprintf("%s %s failed: %v", method, path, err)}
		}
		if status == http.StatusServiceUnavailable && canRetry {
			wait := retryAfter(header.Get("Retry-After"))
			if wait == 0 {
				wait = c.backoff(attempt)
			}
			if err := sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		return decode(status, raw, out)
	}
}

func (c *Client) send(ctx context.Context, method, target string, body []byte) (int, []byte, http.Header, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(attemptCtx, method, target, body, "application/json")
	if err != nil {
		return 0, nil, nil, err
	}
	res, err := c.httpClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return res.StatusCode, raw, res.Header, nil
}

func decode(status int, raw []byte, out any) error {
	var env envelope
	_ = json.Unmarshal(raw, &env)
	if status >= 200 && status < 300 && env.Code != nil && *env.Code == 0 {
		if out == nil {
			return nil
		}
		return json.Unmarshal(env.Data, out)
	}
	code := 40001
	if status >= 500 {
		code = 50001
	}
	if env.Code != nil && *env.Code != 0 {
		code = *env.Code
	}
	message := env.Message
	if message == "" {
		text := string(raw)
		if len(text) > 200 {
			text = text[:200]
		}
		message = fmt.Sprintf("HTTP %d: %s", status, text)
	}
	return &Error{Code: code, Status: status, Message: message, Details: env.Details}
}

func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.retryBase << attempt
	if ceiling > maxBackoff || ceiling <= 0 {
		ceiling = maxBackoff
	}
	return ceiling/2 + time.Duration(rand.Int63n(int64(ceiling/2)+1))
}

func retryAfter(value string) time.Duration {
	seconds, err := strconv.ParseFloat(value, 64)
	if err != nil || seconds <= 0 {
		return 0
	}
	wait := time.Duration(seconds * float64(time.Second))
	if wait > maxBackoff {
		wait = maxBackoff
	}
	return wait
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (c *Client) eventsUnavailable() bool { return atomic.LoadInt32(&c.noEvents) == 1 }
func (c *Client) markNoEvents()           { atomic.StoreInt32(&c.noEvents, 1) }
