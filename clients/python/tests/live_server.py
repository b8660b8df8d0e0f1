"""The embedded default (`node bin/taskmanager.mjs start`) on free ports, for the tests."""
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """Starts the server and waits until GET /readyz answers 200."""

    def __init__(self, env: Optional[Dict[str, str]] = None, timeout: float = 30) -> None:
        node = os.environ.get("NODE") or shutil.which("node")
        if not node:
            raise RuntimeError("node is needed to start the server under test")
        port, grpc_port = free_port(), free_port()
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TM_")}
        clean.update({"TM_PORT": str(port), "TM_GRPC_PORT": str(grpc_port), "TM_APP_LOG_LEVEL": "warn"})
        clean.update(env or {})
        self.base_url = "http://127.0.0.1:{}".format(port)
        self.process = subprocess.Popen(
            [node, "bin/taskmanager.mjs", "start"], cwd=str(REPO_ROOT), env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("taskmanager exited: " + self.process.stdout.read().decode("utf-8", "replace"))  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(self.base_url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("taskmanager not ready within {}s".format(timeout))
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


Intercept = Callable[[BaseHTTPRequestHandler], bool]


class FrontProxy:
    """Forwards every request to the live server (event streams as they come), except those a
    test answers itself (a 503 for a while, or GET /api/v1/events as a server without it would
    answer). Tasks stay real."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.seen: List[str] = []
        self.intercept: Optional[Intercept] = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                proxy.seen.append("{} {}".format(self.command, self.path))
                if proxy.intercept is not None and proxy.intercept(self):
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
                request = urllib.request.Request(proxy.target + self.path, data=body, headers=headers, method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        if response.headers.get("Content-Type", "").startswith("text/event-stream"):
                            self._stream(response)
                            return
                        status, payload = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, payload = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, response) -> None:  # type: ignore[no-untyped-def]
                """Passes an event stream through line by line until either side closes it."""
                self.send_response(response.status)
                self.send_header("Content-Type", response.headers.get("Content-Type"))
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    for line in response:
                        self.wfile.write(line)
                        self.wfile.flush()
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = "http://127.0.0.1:{}".format(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_json(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    payload = json.dumps(body).encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
