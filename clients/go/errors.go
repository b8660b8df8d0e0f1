package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Error is an answer with a non-zero code: the product's numeric code (40001 invalid
// parameter, 40401 task not found, 40901 invalid state, 50301 unavailable, ...), the HTTP
// status (0 when the server was not reached) and the message.
type Error struct {
	Code    int
	Status  int
	Message string
	Details json.RawMessage
}

func (e *Error) Error() string {
	return fmt.Sprintf("async-task-manager: %d %s (HTTP %d)", e.Code, e.Message, e.Status)
}

// ErrWaitTimeout is matched (errors.Is) by the error of a WaitForTask that ran out of time.
var ErrWaitTimeout = errors.New("async-task-manager: task did not finish in time")

// WaitTimeoutError says which task did not finish and the status it last had.
type WaitTimeoutError struct {
	TaskID     string
	LastStatus string
	Timeout    time.Duration
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("async-task-manager: task %s did not finish within %s (last status: %s)", e.TaskID, e.Timeout, e.LastStatus)
}

// Is makes errors.Is(err, ErrWaitTimeout) true.
func (e *WaitTimeoutError) Is(target error) bool { return target == ErrWaitTimeout }
