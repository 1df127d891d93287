"""A database blip: which errors mean the database is out of reach, and one log line for it.

A restarted or failed-over database makes every request that needs it fail at once. Those
requests are answered 503 with a Retry-After (the caller tries again in a moment); the log
says once that the database went away and once that it came back, with how long it was gone,
instead of a traceback per request. Each engine watches its own connections: a failure to
connect, or a connection lost mid-statement, starts an outage; the next connection made
ends it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError

from exigent.errors import ServiceUnavailable

log = logging.getLogger(__name__)

# Long enough for a restart to finish, short enough that an emergency is not kept waiting.
RETRY_AFTER_SECONDS = 2
# PostgreSQL: the server shutting down, crashing, or not yet accepting connections. The
# connection_exception class (08...) is matched by its prefix.
_SERVER_GONE = frozenset({"57P01", "57P02", "57P03"})
# How far down a chain of errors raised from errors to look for a lost connection.
_CHAIN_DEPTH = 8


def database_lost(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it was raised from, is the database's connection failing
    (lost, refused, the server going down) rather than a statement failing."""
    for _ in range(_CHAIN_DEPTH):
        if exc is None:
            return False
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable() -> ServiceUnavailable:
    """What a caller is told while the database is out of reach."""
    return ServiceUnavailable(
        "the database is out of reach for a moment; nothing was saved from this request: "
        "send it again shortly",
        retry_after=RETRY_AFTER_SECONDS,
    )


class Outage:
    """Whether an engine's database is out of reach, since when, and how many were turned
    away meanwhile; logs one line as it starts and one as it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None
        self._refused = 0

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def began(self, exc: BaseException) -> None:
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
            self._refused = 0
        log.warning(
            "the database is out of reach since %s (%s); requests that need it are answered "
            "503 with Retry-After until it is back",
            datetime.now(UTC).strftime("%H:%M:%S UTC"),
            _one_line(exc),
        )

    def refused(self) -> None:
        """A request was answered 503 because of this outage."""
        with self._lock:
            self._refused += 1

    def ended(self) -> None:
        if self._since is None:  # read without the lock: the common case, every connection
            return
        with self._lock:
            if self._since is None:
                return
            lasted, refused = time.monotonic() - self._since, self._refused
            self._since = None
        log.warning(
            "the database is reachable again after %.1f s out of reach; %d requests were "
            "answered 503 meanwhile",
            lasted,
            refused,
        )


_OUTAGES: weakref.WeakKeyDictionary[Engine, Outage] = weakref.WeakKeyDictionary()


def outage_of(engine: Engine) -> Outage:
    """The outage record of an engine made by `exigent.db.make_engine`."""
    return _OUTAGES.setdefault(engine, Outage())


def watch(engine: Engine) -> None:
    """Mark the engine's connection failures as disconnects (so that they are told apart
    from failing statements and the pool drops its dead connections) and record outages."""
    outage = outage_of(engine)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            # A stale connection found at checkout (after a restart): the pool replaces it
            # itself, and a failure to replace it comes back here as a failed connect.
            return
        if not context.is_disconnect and _connection_failed(context):
            context.is_disconnect = True
        if context.is_disconnect and isinstance(context.original_exception, Exception):
            outage.began(context.original_exception)

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection: Any, _record: Any) -> None:
        outage.ended()


def _connection_failed(context: ExceptionContext) -> bool:
    """A PostgreSQL error that is about the connection: refused, broken, timed out (the
    driver gives these no SQLSTATE), or the server going down or still starting."""
    if context.dialect.name != "postgresql":
        return False
    error = context.original_exception
    if not isinstance(error, context.dialect.loaded_dbapi.OperationalError):
        return False
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _SERVER_GONE


def _one_line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 200 else text[:197] + "..."
