"""`exigent serve` with one web process: a supervisor that keeps that process answering.

A restart must be a blip, not an outage. Importing Exigent takes seconds (hundreds of modules,
their routes and tables), so the supervisor imports it once, binds the port and forks the web
process from itself. When the web process dies (killed, out of memory, crashed), the next one
is forked from the already-loaded supervisor and answers within a fraction of a second;
meanwhile the kernel keeps new connections waiting in the listening socket's queue, so an
officer's submission waits instead of being refused.

The supervisor opens no database connection and starts no thread before it forks (a fork
copies only the calling thread, and a connection must never be shared between processes).
It stops with the web process: SIGTERM or SIGINT to it stops the web process gracefully, and
a web process whose supervisor is killed is killed too (Linux), so none is ever orphaned.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import logging.config
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

import uvicorn

from exigent.app import create_served_app
from exigent.logs import log_config
from exigent.verification.directory_index import default_directory
from exigent.verification.places import nanp_places

log = logging.getLogger("exigent.serving")

# A web process that exits by itself this soon after it was started has failed to start (a
# database not migrated, a bad setting): after a few of those in a row the supervisor gives
# up and says so, rather than restarting forever.
QUICK_FAILURE_SECONDS = 10.0
QUICK_FAILURES_TO_GIVE_UP = 3
# Connections the kernel holds for the next web process while none is accepting.
BACKLOG = 2048
_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class _Supervisor:
    sock: socket.socket
    stopping: bool = False
    child: int | None = None
    quick_failures: int = 0
    started: float = 0.0

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        """Stop once: the web process is asked to finish what it is doing and exit."""
        if self.stopping:
            return
        self.stopping = True
        if self.child is not None:
            _signal_quietly(self.child, signal.SIGTERM)

    def run(self) -> int:
        while True:
            self.started = time.monotonic()
            self.child = _fork_web_process(self.sock)
            status = _wait(self.child)
            self.child = None
            if self.stopping:
                # uvicorn ends by re-raising the stop signal once it has shut down cleanly.
                stopped = os.WIFSIGNALED(status) and os.WTERMSIG(status) in STOP_SIGNALS
                return 0 if stopped else _exit_code(status)
            if not self._restart_after(status):
                return _exit_code(status) or 1

    def _restart_after(self, status: int) -> bool:
        """Whether to start another web process after one ended unasked, logging why.

        One killed by a signal (the out-of-memory killer, an operator's kill -9) is always
        replaced at once. One that exits by itself soon after it was started has failed to
        start; after a few in a row the supervisor gives up, since another would fail too."""
        lived = time.monotonic() - self.started
        failed_start = not os.WIFSIGNALED(status) and lived < QUICK_FAILURE_SECONDS
        self.quick_failures = self.quick_failures + 1 if failed_start else 0
        give_up = self.quick_failures >= QUICK_FAILURES_TO_GIVE_UP
        log.error(
            "the web process ended (%s) after %.1f s; %s",
            _describe(status),
            lived,
            "giving up" if give_up else "starting another",
        )
        if give_up:
            return False
        if self.quick_failures:
            time.sleep(0.5 * 2 ** (self.quick_failures - 1))
        return not self.stopping


def serve_supervised(host: str, port: int) -> int:
    """Serve on `host:port` until asked to stop; the exit code to end with."""
    logging.config.dictConfig(log_config())
    sock = _listening_socket(host, port)
    _preload()
    supervisor = _Supervisor(sock)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    try:
        return supervisor.run()
    finally:
        sock.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def _preload() -> None:
    """Load, once, what every web process reads and never changes: the fraud checks'
    directory index and the numbering plan's places (files, not the database)."""
    default_directory()
    nanp_places()
    # What exists now lives as long as the supervisor: frozen, it stays out of collections,
    # and a forked web process shares its pages instead of copying them when they are scanned.
    gc.freeze()


def _fork_web_process(sock: socket.socket) -> int:
    if threading.active_count() > 1:
        # A fork copies only this thread; a lock another thread held would stay held forever.
        raise RuntimeError("the supervisor must not run threads before it forks")
    supervisor = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        code = _web_process(sock, supervisor)
    except BaseException:  # a web process never returns into the supervisor's loop
        log.exception("the web process failed")
    finally:
        logging.shutdown()
        os._exit(code)


def _web_process(sock: socket.socket, supervisor: int) -> int:
    _die_with_parent(supervisor)
    # Its own process group: a terminal's Ctrl+C reaches the supervisor alone, which stops
    # the web process once (a second signal would make uvicorn skip its graceful shutdown).
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    config = uvicorn.Config(
        create_served_app,
        factory=True,
        log_level="info",
        # Delivery and confirmation links carry their secret in the path: never logged.
        log_config=log_config(),
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return 0 if server.started else 1


def _die_with_parent(supervisor: int) -> None:
    """Have the kernel kill this process when the supervisor dies, whatever kills it."""
    if not sys.platform.startswith("linux"):
        return
    libc: Any = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != supervisor:  # it died before the line above took effect
        os._exit(1)


def _wait(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover - Python retries waitpid itself
            continue


def _signal_quietly(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.waitstatus_to_exitcode(status)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
