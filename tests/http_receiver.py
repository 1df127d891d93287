"""A real HTTP server on 127.0.0.1 standing in for Slack, a webhook receiver or PagerDuty.

It keeps every request (method, path, headers, body) and answers a scripted sequence of
statuses, then `default`. It can be made to hang (accept and never answer until released)
or be closed, so connections are refused. Start it with `with HttpReceiver() as receiver:`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from net import free_port


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    # Header names in lower case.
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner = self.server.owner
        owner._keep(
            Received(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
        )
        if owner._hanging.is_set():
            owner._released.wait(30)
            return
        status, extra = owner._next()
        payload = owner.reply
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HttpReceiver


class HttpReceiver:
    def __init__(self, *statuses: int, default: int = 200, reply: bytes = b"{}") -> None:
        self.port = free_port()
        self.default = default
        self.reply = reply
        self._script: deque[tuple[int, dict[str, str]]] = deque((s, {}) for s in statuses)
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._hanging = threading.Event()
        self._released = threading.Event()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HttpReceiver:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.owner = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        """Stop listening: from now on a connection is refused."""
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HttpReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def script(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next requests with these statuses, in order."""
        with self._lock:
            self._script.extend((s, dict(headers or {})) for s in statuses)

    def hang(self) -> None:
        """Accept each request and never answer it (until closed)."""
        self._hanging.set()

    def _next(self) -> tuple[int, dict[str, str]]:
        with self._lock:
            return self._script.popleft() if self._script else (self.default, {})

    def _keep(self, received: Received) -> None:
        with self._lock:
            self._received.append(received)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The first `count` requests, waiting up to `timeout` seconds for them to arrive."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
            time.sleep(0.01)
        return self.requests[:count]
