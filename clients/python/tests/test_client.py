"""The Python client against a live embedded-default server (memory storage, demo task types)."""
import ast
import dataclasses
import json
import time
import unittest
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from async_task_manager import Client, CreatedTask, Task, TaskLog, TaskManagerError, WaitTimeoutError

from .live_server import FrontProxy, LiveServer, send_json

server = None  # type: LiveServer


def setUpModule() -> None:
    global server
    server = LiveServer()


def tearDownModule() -> None:
    if server is not None:
        server.stop()


class ClientTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = Client(server.base_url)

    def test_creates_an_echo_task_and_waits_for_success(self) -> None:
        created = self.client.create_task(task_type="echo", priority=1, payload={"hello": "world", "n": 2})
        self.assertIsInstance(created, CreatedTask)
        self.assertTrue(created.created)
        self.assertEqual(created.status, "PENDING")
        task = self.client.wait_for_task(created.task_id, timeout=10)
        self.assertEqual(task.status, "SUCCESS")
        self.assertEqual(task.result, {"hello": "world", "n": 2})
        self.assertEqual(task.priority, 1)
        self.assertTrue(task.is_final)

    def test_gets_a_task_with_typed_fields_and_its_logs(self) -> None:
        task_id = self.client.create_task(task_type="echo", payload={}).task_id
        self.client.wait_for_task(task_id, timeout=10)
        task = self.client.get_task(task_id)
        self.assertTrue(dataclasses.is_dataclass(task))
        self.assertIsInstance(task.created_at, datetime)
        self.assertEqual(task.created_at.tzinfo, timezone.utc)
        self.assertIsNotNone(task.worker_id)
        logs = self.client.get_task_logs(task_id)
        self.assertTrue(all(isinstance(log, TaskLog) for log in logs))
        self.assertEqual(
            [(log.from_status, log.to_status) for log in logs],
            [(None, "PENDING"), ("PENDING", "PROCESSING"), ("PROCESSING", "SUCCESS")],
        )
        self.assertEqual(logs[0].message, "Task created")

    def test_lists_tasks_as_a_generator_over_pages(self) -> None:
        created = self.client.create_tasks([{"task_type": "sleep", "payload": {"ms": 1}, "delay": 3600} for _ in range(5)])
        self.assertEqual(len(created), 5)
        self.assertTrue(all(item.created for item in created))
        pages = list(self.client.list_tasks(task_type="sleep", status="PENDING", page_size=2))
        self.assertGreaterEqual(len(pages), 3)
        self.assertTrue(all(len(page.items) <= 2 for page in pages))
        ids = [task.task_id for page in pages for task in page.items]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue({item.task_id for item in created} <= set(ids))
        self.assertIsNone(pages[-1].next_cursor)

    def test_cancels_a_running_task_and_reports_the_conflict_of_a_second_cancel(self) -> None:
        task_id = self.client.create_task(task_type="sleep", payload={"ms": 30000}).task_id
        self.assertEqual(self.client.cancel_task(task_id).status, "CANCELLED")
        with self.assertRaises(TaskManagerError) as raised:
            self.client.cancel_task(task_id)
        self.assertEqual((raised.exception.code, raised.exception.status), (40901, 409))
        self.assertEqual(raised.exception.message, "task cannot be cancelled, current status: CANCELLED")

    def test_retries_a_failed_task(self) -> None:
        task_id = self.client.create_task(task_type="fail", payload={"message": "nope", "retryable": False}).task_id
        failed = self.client.wait_for_task(task_id, timeout=10)
        self.assertEqual((failed.status, failed.error_msg), ("FAILED", "nope"))
        self.assertEqual(self.client.retry_task(task_id).retry_count, 0)
        self.assertEqual(self.client.wait_for_task(task_id, timeout=10).status, "FAILED")
        self.assertIn("Task manually retried", [log.message for log in self.client.get_task_logs(task_id)])

    def test_raises_errors_with_the_product_code(self) -> None:
        cases = [
            (lambda: self.client.get_task("no-such-task"), 40401, 404),
            (lambda: self.client.create_task(task_type="echo", priority=7, payload={}), 40001, 400),
            (lambda: self.client.create_task(task_type="nope", payload={}), 40002, 400),
            (lambda: self.client.create_task(task_type="echo", payload={}, delay=1, run_at=datetime.now(timezone.utc)), 40001, 400),
        ]
        for call, code, status in cases:
            with self.assertRaises(TaskManagerError) as raised:
                call()
            self.assertEqual((raised.exception.code, raised.exception.status), (code, status), raised.exception.message)
        with self.assertRaises(TaskManagerError) as raised:
            self.client.create_task(task_type="echo", priority=7, payload={})
        self.assertIn("priority", raised.exception.message)
        self.assertEqual(raised.exception.details[0]["path"], "priority")

    def test_gives_up_waiting_with_a_timeout_error(self) -> None:
        task_id = self.client.create_task(task_type="sleep", payload={"ms": 1}, delay=3600).task_id
        started = time.monotonic()
        with self.assertRaises(WaitTimeoutError) as raised:
            self.client.wait_for_task(task_id, timeout=0.3, poll_interval=0.05)
        self.assertIsInstance(raised.exception, TimeoutError)
        self.assertEqual(raised.exception.last_status, "PENDING")
        self.assertLess(time.monotonic() - started, 3)

    def test_takes_run_at_and_the_idempotency_key(self) -> None:
        key = "py-{}".format(time.time_ns())
        run_at = datetime(2099, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        first = self.client.create_task(task_type="echo", payload={}, run_at=run_at, idempotency_key=key)
        second = self.client.create_task(task_type="echo", payload={}, run_at=run_at, idempotency_key=key)
        self.assertEqual((first.task_id, first.created, second.task_id, second.created), (key, True, key, False))
        self.assertEqual(self.client.get_task(key).scheduled_at, run_at)


class FrontProxyTest(unittest.TestCase):
    def setUp(self) -> None:
        self.proxy = FrontProxy(server.base_url)
        self.client = Client(self.proxy.base_url, retry_base=0.01)

    def tearDown(self) -> None:
        self.proxy.close()

    def unavailable_for(self, count: int, method: str, prefix: str) -> None:
        left = [count]

        def intercept(handler) -> bool:  # type: ignore[no-untyped-def]
            if left[0] == 0 or handler.command != method or not handler.path.startswith(prefix):
                return False
            left[0] -= 1
            length = int(handler.headers.get("Content-Length") or 0)
            if length:
                handler.rfile.read(length)
            send_json(handler, 503, {"code": 50301, "message": "storage is unavailable"})
            return True

        self.proxy.intercept = intercept

    def test_polls_without_an_event_stream_and_asks_for_it_once(self) -> None:
        def no_events(handler) -> bool:  # type: ignore[no-untyped-def]
            if not handler.path.startswith("/api/v1/events"):
                return False
            send_json(handler, 404, {"code": 40402, "message": "not found"})
            return True

        self.proxy.intercept = no_events
        for i in range(2):
            task_id = self.client.create_task(task_type="echo", payload={"i": i}).task_id
            self.assertEqual(self.client.wait_for_task(task_id, timeout=10, poll_interval=0.05).status, "SUCCESS")
        self.assertEqual(len([s for s in self.proxy.seen if s.startswith("GET /api/v1/events")]), 1)

    def test_retries_gets_on_503(self) -> None:
        task_id = self.client.create_task(task_type="echo", payload={}).task_id
        self.unavailable_for(2, "GET", "/api/v1/tasks/")
        del self.proxy.seen[:]
        self.assertEqual(self.client.get_task(task_id).task_id, task_id)
        self.assertEqual(len([s for s in self.proxy.seen if s.startswith("GET /api/v1/tasks/")]), 3)

    def test_gives_up_after_max_retries(self) -> None:
        client = Client(self.proxy.base_url, retry_base=0.01, max_retries=1)
        self.unavailable_for(5, "GET", "/api/v1/tasks/")
        with self.assertRaises(TaskManagerError) as raised:
            client.get_task("anything")
        self.assertEqual((raised.exception.code, raised.exception.status), (50301, 503))

    def test_retries_a_create_only_with_an_idempotency_key(self) -> None:
        self.unavailable_for(1, "POST", "/api/v1/tasks")
        with self.assertRaises(TaskManagerError) as raised:
            self.client.create_task(task_type="echo", payload={})
        self.assertEqual(raised.exception.code, 50301)
        key = "py-retry-{}".format(time.time_ns())
        self.unavailable_for(2, "POST", "/api/v1/tasks")
        created = self.client.create_task(task_type="echo", payload={}, idempotency_key=key)
        self.assertEqual((created.task_id, created.created), (key, True))

    def test_waits_on_the_event_stream_when_the_server_has_it(self) -> None:
        def events(handler) -> bool:  # type: ignore[no-untyped-def]
            if not handler.path.startswith("/api/v1/events"):
                return False
            task_id = handler.path.split("task_id=")[1]
            handler.send_response(200)
            handler.send_header("Content-Type", "text/event-stream")
            handler.send_header("Cache-Control", "no-cache")
            handler.end_headers()
            handler.wfile.write(b": connected\n\n")
            handler.wfile.flush()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with urllib.request.urlopen(server.base_url + "/api/v1/tasks/" + task_id) as response:
                    if json.loads(response.read())["data"]["status"] == "SUCCESS":
                        break
                time.sleep(0.02)
            try:
                handler.wfile.write(b"event: task_completed\ndata: {}\n\n")
                handler.wfile.flush()
                time.sleep(0.5)
            except OSError:
                pass
            handler.close_connection = True
            return True

        self.proxy.intercept = events
        task_id = self.client.create_task(task_type="sleep", payload={"ms": 400}).task_id
        del self.proxy.seen[:]
        task = self.client.wait_for_task(task_id, timeout=10, poll_interval=0.01)
        self.assertEqual(task.status, "SUCCESS")
        self.assertEqual(len([s for s in self.proxy.seen if s.startswith("GET /api/v1/events")]), 1)
        # One read after subscribing, one after the event: polling every 10 ms would make dozens.
        self.assertLessEqual(len([s for s in self.proxy.seen if s == "GET /api/v1/tasks/" + task_id]), 3)


    def test_waits_on_the_real_event_stream(self) -> None:
        # The proxy streams text/event-stream answers through as they come.
        task_id = self.client.create_task(task_type="sleep", payload={"ms": 500}).task_id
        del self.proxy.seen[:]
        task = self.client.wait_for_task(task_id, timeout=10, poll_interval=0.01)
        self.assertEqual(task.status, "SUCCESS")
        self.assertEqual(len([s for s in self.proxy.seen if s.startswith("GET /api/v1/events")]), 1)
        # Polling every 10 ms for 500 ms would read the task some fifty times; each event makes one read.
        self.assertLessEqual(len([s for s in self.proxy.seen if s == "GET /api/v1/tasks/" + task_id]), 5)


class ApiKeyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.secured = LiveServer({"TM_HTTP_API_KEYS": "py-secret"})

    @classmethod
    def tearDownClass(cls) -> None:
        cls.secured.stop()

    def test_sends_the_key_and_reports_a_missing_one(self) -> None:
        with self.assertRaises(TaskManagerError) as raised:
            Client(self.secured.base_url).create_task(task_type="echo", payload={})
        self.assertEqual((raised.exception.code, raised.exception.status), (40101, 401))
        with self.assertRaises(TaskManagerError) as raised:
            Client(self.secured.base_url, api_key="wrong").get_task("x")
        self.assertEqual(raised.exception.message, "invalid API key")
        keyed = Client(self.secured.base_url, api_key="py-secret")
        task_id = keyed.create_task(task_type="echo", payload={"k": 1}).task_id
        self.assertEqual(keyed.wait_for_task(task_id, timeout=10).status, "SUCCESS")


class PackageTest(unittest.TestCase):
    def test_is_python_3_9_syntax(self) -> None:
        package = Path(__file__).resolve().parents[1] / "async_task_manager"
        for module in sorted(package.glob("*.py")):
            ast.parse(module.read_text(encoding="utf-8"), filename=str(module), feature_version=(3, 9))

    def test_task_is_a_dataclass_with_the_api_field_names(self) -> None:
        names = [f.name for f in dataclasses.fields(Task)]
        for name in ("task_id", "task_type", "priority", "status", "payload", "result", "error_msg", "retry_count", "max_retry", "worker_id", "created_at"):
            self.assertIn(name, names)


if __name__ == "__main__":
    unittest.main()
