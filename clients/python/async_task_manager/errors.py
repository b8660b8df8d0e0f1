"""Errors of the client: the product's numeric code, the HTTP status and the message."""
from typing import Any, Optional


class TaskManagerError(Exception):
    """An answer with a non-zero code (docs/api.md): 40001 invalid parameter, 40401 task not
    found, 40901 invalid state, 50301 a dependency unavailable, ...; status 0 when the server
    was not reached."""

    def __init__(self, code: int, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return "TaskManagerError(code={!r}, status={!r}, message={!r})".format(self.code, self.status, self.message)


class WaitTimeoutError(TimeoutError):
    """wait_for_task gave up before the task reached a final status."""

    def __init__(self, task_id: str, timeout: float, last_status: Optional[str]) -> None:
        super().__init__("task {} did not finish within {}s (last status: {})".format(task_id, timeout, last_status or "unknown"))
        self.task_id = task_id
        self.last_status = last_status
