"""The API's objects as dataclasses; field names are the API's (task_id, task_type, ...)."""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional

FINAL_STATUSES = ("SUCCESS", "FAILED", "TIMEOUT", "CANCELLED")


def parse_time(value: Optional[str]) -> Optional[datetime]:
    """RFC 3339 as the API writes it ("2026-01-01T10:00:00.000Z"); 3.9's fromisoformat has no "Z"."""
    if value is None:
        return None
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


@dataclass
class Task:
    task_id: str
    task_type: str
    priority: int
    status: str
    payload: Dict[str, Any]
    result: Any
    error_msg: Optional[str]
    retry_count: int
    max_retry: int
    timeout: int
    worker_id: Optional[str]
    scheduled_at: Optional[datetime]
    started_at: Optional[datetime]
    completed_at: Optional[datetime]
    created_at: Optional[datetime]
    updated_at: Optional[datetime]
    #: The task as the server sent it, fields this client does not know included.
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_final(self) -> bool:
        """SUCCESS or CANCELLED, or FAILED / TIMEOUT with no automatic retry left."""
        return self.status in FINAL_STATUSES

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Task":
        return cls(
            task_id=data["task_id"],
            task_type=data["task_type"],
            priority=data.get("priority", 0),
            status=data["status"],
            payload=data.get("payload") or {},
            result=data.get("result"),
            error_msg=data.get("error_msg"),
            retry_count=data.get("retry_count", 0),
            max_retry=data.get("max_retry", 0),
            timeout=data.get("timeout", 0),
            worker_id=data.get("worker_id"),
            scheduled_at=parse_time(data.get("scheduled_at")),
            started_at=parse_time(data.get("started_at")),
            completed_at=parse_time(data.get("completed_at")),
            created_at=parse_time(data.get("created_at")),
            updated_at=parse_time(data.get("updated_at")),
            raw=data,
        )


@dataclass
class TaskLog:
    id: int
    log_type: str
    from_status: Optional[str]
    to_status: Optional[str]
    message: str
    worker_id: Optional[str]
    retry_count: Optional[int]
    error_detail: Optional[str]
    created_at: Optional[datetime]

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "TaskLog":
        return cls(
            id=data["id"],
            log_type=data["log_type"],
            from_status=data.get("from_status"),
            to_status=data.get("to_status"),
            message=data.get("message", ""),
            worker_id=data.get("worker_id"),
            retry_count=data.get("retry_count"),
            error_detail=data.get("error_detail"),
            created_at=parse_time(data.get("created_at")),
        )


@dataclass
class CreatedTask:
    task_id: str
    #: False when the idempotency key matched an existing task.
    created: bool
    #: The status right after the create (not given by a batch create).
    status: Optional[str] = None


@dataclass
class TaskPage:
    items: List[Task]
    #: Pass to list_tasks(cursor=...) to continue later; None on the last page.
    next_cursor: Optional[str]
