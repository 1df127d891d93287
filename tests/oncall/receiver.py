"""A webhook receiver on 127.0.0.1 over a real socket: what a chat or pager endpoint sees.

It records each JSON body with the moment it arrived, and answers each request with the next
status of its script (then 200 for ever), so a test can make a channel fail and recover.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    body: dict[str, Any]
    at: float


@dataclass
class Receiver:
    base: str
    received: list[Received] = field(default_factory=list)
    # Per path: the statuses to answer in turn, then 200.
    script: dict[str, list[int]] = field(default_factory=dict)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def failing(self, path: str, status: int = 503) -> str:
        """A path that always answers `status`."""
        self.script[path] = [status] * 10_000
        return self.url(path)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, timeout)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            script = receiver.script.get(self.path, [])
            status = script.pop(0) if script else 200
            if status < 300:
                with receiver.arrived:
                    receiver.received.append(
                        Received(self.path, json.loads(raw or b"{}"), time.monotonic())
                    )
                    receiver.arrived.notify_all()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(Receiver(base=f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
