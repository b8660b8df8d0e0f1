"""The HTTP client: urllib only, so `pip install ./clients/python` needs nothing else."""
import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any, Callable, Dict, Iterator, List, Optional

from .errors import TaskManagerError, WaitTimeoutError
from .models import CreatedTask, Task, TaskLog, TaskPage

#: Longest backoff between two attempts of a retried call, seconds.
MAX_BACKOFF = 5.0
#: With an event stream, the task is still re-read this often in case an event was missed.
EVENT_RECHECK = 5.0


class Client:
    """A client of the async-task-manager HTTP API.

    GETs, and creates that carry an idempotency key, are retried on 503 and network errors
    with exponential backoff; other calls are sent once, so a create is never made twice.
    Every error answer raises TaskManagerError with the product's code.
    """

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        timeout: float = 10,
        max_retries: int = 3,
        retry_base: float = 0.2,
    ) -> None:
        if not base_url:
            raise ValueError("Client needs a base_url such as http://localhost:8080")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_base = retry_base
        # False once GET /api/v1/events answered 404: waits poll from then on.
        self._events_available: Optional[bool] = None

    # ------------------------------------------------------------------ tasks

    def create_task(
        self,
        task_type: str,
        payload: Optional[Dict[str, Any]] = None,
        priority: Optional[int] = None,
        timeout: Optional[int] = None,
        max_retry: Optional[int] = None,
        delay: Optional[float] = None,
        run_at: Optional[datetime] = None,
        idempotency_key: Optional[str] = None,
    ) -> CreatedTask:
        """POST /api/v1/tasks → CreatedTask with .task_id, .status and .created."""
        body = _task_body(task_type, payload, priority, timeout, max_retry, delay, run_at, idempotency_key)
        data = self._request("POST", "/api/v1/tasks", body=body, retryable=idempotency_key is not None)
        return CreatedTask(task_id=data["task_id"], created=data["created"], status=data.get("status"))

    def create_tasks(self, tasks: List[Dict[str, Any]]) -> List[CreatedTask]:
        """POST /api/v1/tasks/batch: each item takes create_task's keyword names; all or nothing."""
        bodies = [_task_body(**task) for task in tasks]
        retryable = len(bodies) > 0 and all("idempotency_key" in body for body in bodies)
        data = self._request("POST", "/api/v1/tasks/batch", body={"tasks": bodies}, retryable=retryable)
        return [CreatedTask(task_id=item["task_id"], created=item["created"]) for item in data["tasks"]]

    def get_task(self, task_id: str) -> Task:
        return Task.from_json(self._request("GET", "/api/v1/tasks/" + _quote(task_id)))

    def list_tasks(
        self,
        status: Optional[str] = None,
        task_type: Optional[str] = None,
        priority: Optional[int] = None,
        worker_id: Optional[str] = None,
        created_from: Optional[datetime] = None,
        created_to: Optional[datetime] = None,
        page_size: int = 50,
        cursor: Optional[str] = None,
    ) -> Iterator[TaskPage]:
        """A generator over pages of GET /api/v1/tasks, newest first; status may be "A,B"."""
        query = {
            "status": status,
            "task_type": task_type,
            "priority": priority,
            "worker_id": worker_id,
            "created_from": _iso(created_from),
            "created_to": _iso(created_to),
            "limit": page_size,
        }
        while True:
            data = self._request("GET", "/api/v1/tasks", query=dict(query, cursor=cursor))
            page = TaskPage(items=[Task.from_json(item) for item in data["items"]], next_cursor=data.get("next_cursor"))
            yield page
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def cancel_task(self, task_id: str) -> Task:
        return Task.from_json(self._request("POST", "/api/v1/tasks/" + _quote(task_id) + "/cancel", retryable=False))

    def retry_task(self, task_id: str) -> Task:
        return Task.from_json(self._request("POST", "/api/v1/tasks/" + _quote(task_id) + "/retry", retryable=False))

    def get_task_logs(self, task_id: str) -> List[TaskLog]:
        return [TaskLog.from_json(row) for row in self._request("GET", "/api/v1/tasks/" + _quote(task_id) + "/logs")]

    def wait_for_task(self, task_id: str, timeout: float = 60, poll_interval: float = 0.5) -> Task:
        """Returns the task once SUCCESS, FAILED, TIMEOUT or CANCELLED (check .status).

        Listens on GET /api/v1/events (Server-Sent Events) when the server has it, else polls;
        raises WaitTimeoutError (a TimeoutError) after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        last: List[Optional[Task]] = [None]

        def finished() -> bool:
            last[0] = self.get_task(task_id)
            return last[0].is_final

        if self._events_available is not False and self._wait_with_events(task_id, finished, deadline):
            return last[0]  # type: ignore[return-value]
        while not finished():
            left = deadline - time.monotonic()
            if left <= 0:
                raise WaitTimeoutError(task_id, timeout, last[0].status if last[0] else None)
            time.sleep(min(poll_interval, left))
        return last[0]  # type: ignore[return-value]

    # ------------------------------------------------------------------ transport

    def _url(self, path: str, query: Optional[Dict[str, Any]] = None) -> str:
        url = self.base_url + path
        pairs = [(key, str(value)) for key, value in (query or {}).items() if value is not None]
        return url + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

    def _headers(self, accept: str = "application/json") -> Dict[str, str]:
        headers = {"Accept": accept, "User-Agent": "async-task-manager-python/0.1.0"}
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        return headers

    def _request(
        self,
        method: str,
        path: str,
        query: Optional[Dict[str, Any]] = None,
        body: Optional[Dict[str, Any]] = None,
        retryable: Optional[bool] = None,
    ) -> Any:
        """Sends one call and returns the envelope's data; GETs are retryable unless told."""
        if retryable is None:
            retryable = method == "GET"
        headers = self._headers()
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            can_retry = retryable and attempt < self.max_retries
            request = urllib.request.Request(self._url(path, query), data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return _envelope_data(response.status, response.read())
            except urllib.error.HTTPError as error:
                payload = error.read()
                if error.code == 503 and can_retry:
                    time.sleep(_retry_after(error.headers.get("Retry-After")) or self._backoff(attempt))
                    attempt += 1
                    continue
                return _envelope_data(error.code, payload)
            except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
                if can_retry:
                    time.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                reason = getattr(error, "reason", error)
                raise TaskManagerError(0, 0, "{} {} failed: {}".format(method, path, reason)) from error

    def _backoff(self, attempt: int) -> float:
        ceiling = min(MAX_BACKOFF, self.retry_base * (2 ** attempt))
        return ceiling / 2 + random.random() * ceiling / 2

    def _wait_with_events(self, task_id: str, finished: Callable[[], bool], deadline: float) -> bool:
        """True when the task finished while listening; False to fall back to polling."""
        stream = _EventStream.open(self._url("/api/v1/events", {"task_id": task_id}), self._headers("text/event-stream"), self.timeout)
        if stream is None:
            return False
        if stream.status == 404:
            stream.close()
            self._events_available = False
            return False
        if stream.status != 200 or not stream.is_event_stream:
            status, body = stream.status, stream.read_body()
            stream.close()
            if status >= 400:
                _envelope_data(status, body)
            return False
        self._events_available = True
        try:
            # Subscribed first, read second: a change in between arrives as an event.
            while True:
                if finished():
                    return True
                if stream.ended.is_set():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # An event, the stream's end, or every EVENT_RECHECK seconds: read the task again.
                stream.changed.wait(min(EVENT_RECHECK, left))
                stream.changed.clear()
        finally:
            stream.close()


class _EventStream:
    """GET /api/v1/events read by a background thread; `changed` is set on every event."""

    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        self.connection = connection
        self.response = response
        self.status = response.status
        self.is_event_stream = (response.getheader("Content-Type") or "").startswith("text/event-stream")
        self.changed = threading.Event()
        self.ended = threading.Event()
        self._reader: Optional[threading.Thread] = None
        if self.status == 200 and self.is_event_stream:
            self._reader = threading.Thread(target=self._read, name="task-events", daemon=True)
            self._reader.start()

    @classmethod
    def open(cls, url: str, headers: Dict[str, str], timeout: float) -> "Optional[_EventStream]":
        parts = urllib.parse.urlsplit(url)
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = factory(parts.netloc, timeout=timeout)
        try:
            connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers)
            response = connection.getresponse()
            # Connected: from now on reads block until an event (the server sends keep-alives).
            if connection.sock is not None:
                connection.sock.settimeout(None)
        except (OSError, http.client.HTTPException):
            connection.close()
            return None
        return cls(connection, response)

    def read_body(self) -> bytes:
        try:
            return self.response.read()
        except (OSError, http.client.HTTPException):
            return b""

    def _read(self) -> None:
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                if line.startswith(b"data:"):
                    self.changed.set()
        except (OSError, ValueError, http.client.HTTPException):
            pass
        finally:
            self.ended.set()
            self.changed.set()

    def close(self) -> None:
        sock = self.connection.sock
        if sock is not None:
            try:
                # Wakes the reader thread out of its blocking read.
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        # The reader finishes with the response before the connection closes it under its feet
        # (http.client is not safe to close from another thread mid-read).
        if self._reader is not None:
            self._reader.join(timeout=1)
        self.connection.close()


def _task_body(
    task_type: str,
    payload: Optional[Dict[str, Any]] = None,
    priority: Optional[int] = None,
    timeout: Optional[int] = None,
    max_retry: Optional[int] = None,
    delay: Optional[float] = None,
    run_at: Optional[datetime] = None,
    idempotency_key: Optional[str] = None,
) -> Dict[str, Any]:
    body: Dict[str, Any] = {"task_type": task_type, "payload": payload if payload is not None else {}}
    optional = {
        "priority": priority,
        "timeout": timeout,
        "max_retry": max_retry,
        "delay": delay,
        "run_at": _iso(run_at),
        "idempotency_key": idempotency_key,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    return body


def _envelope_data(status: int, raw: bytes) -> Any:
    try:
        body = json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = body.get("code")
    if 200 <= status < 300 and code == 0:
        return body.get("data")
    if not isinstance(code, int) or code == 0:
        code = 50001 if status >= 500 else 40001
    message = body.get("message") or "HTTP {}: {}".format(status, raw[:200].decode("utf-8", "replace"))
    raise TaskManagerError(code, status, message, body.get("details"))


def _retry_after(value: Optional[str]) -> Optional[float]:
    try:
        seconds = float(value) if value else 0.0
    except ValueError:
        return None
    return min(seconds, MAX_BACKOFF) if seconds > 0 else None


def _iso(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("give an aware datetime (with tzinfo), e.g. datetime.now(timezone.utc)")
    return value.isoformat()


def _quote(task_id: str) -> str:
    return urllib.parse.quote(task_id, safe="")
