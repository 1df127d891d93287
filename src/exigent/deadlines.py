"""Time-based work: a table of due deadlines and a worker that fires each exactly once.

A worker claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers),
runs the handler for each and marks it fired in the same transaction, so a crash either
fires a deadline completely or not at all, and two workers never fire the same one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from exigent.config import Settings
from exigent.db import Base, UtcDateTime, begin_read_only, utcnow
from exigent.outages import database_lost

log = logging.getLogger(__name__)

BigId = BigInteger().with_variant(Integer, "sqlite")


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "fired_at", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Text, not an enum: the kinds are the keys of handlers that domains register (some built
    # from words, as `sla_decide_breach`), and this worker knows no domain.
    kind: Mapped[str] = mapped_column(String(48))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What firing found: "fired", "met" (the clock was stopped in time), "cancelled", or a
    # word of the handler's own ("relay_failed"); text for the same reason as `kind`.
    outcome: Mapped[str | None] = mapped_column(String(24))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


# A handler fires one deadline and returns the outcome it reached ("fired", "met", ...).
Handler = Callable[[Session, Deadline, datetime], str]
# The handler for each kind of deadline. The worker knows no domain: each domain offers its
# handlers and the application assembles them at start-up (`exigent.workflow.jobs`).
Handlers = Mapping[str, Handler]
MAX_ATTEMPTS = 5
BATCH = 100


def schedule(
    session: Session,
    *,
    kind: str,
    due_at: datetime,
    request_id: int | None = None,
    data: dict[str, Any] | None = None,
    wake: bool = False,
) -> Deadline:
    """Add a deadline; `wake` (for work due at once, such as a page) wakes the workers as
    soon as the caller's transaction commits instead of at their next poll."""
    deadline = Deadline(kind=kind, due_at=due_at, request_id=request_id, data=data or {})
    session.add(deadline)
    if wake:
        wake_on_commit(session)
    return deadline


# Every worker of this process waits on its own event; a commit that scheduled urgent work
# sets them all.
_local_wakers: set[threading.Event] = set()
WAKE_CHANNEL = "exigent_deadlines"


def wake_on_commit(session: Session) -> None:
    """Wake this process's workers when `session` commits, and on PostgreSQL every worker's
    process: NOTIFY is sent in the same transaction, so it is delivered only if it commits."""
    if session.info.get(_WAKE_PENDING):
        return
    session.info[_WAKE_PENDING] = True
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {WAKE_CHANNEL}"))


_WAKE_PENDING = "deadlines_wake_pending"


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(_WAKE_PENDING, False):
        wake_local_workers()


@event.listens_for(Session, "after_rollback")
def _forget_wake(session: Session) -> None:
    session.info.pop(_WAKE_PENDING, None)


def wake_local_workers() -> None:
    for waker in tuple(_local_wakers):
        waker.set()


def next_due(session: Session) -> datetime | None:
    """When the earliest deadline not yet fired falls due."""
    return session.execute(
        select(func.min(Deadline.due_at)).where(Deadline.fired_at.is_(None))
    ).scalar()


def _claim_due(session: Session, now: datetime, limit: int) -> list[Deadline]:
    statement = (
        select(Deadline)
        .where(Deadline.fired_at.is_(None), Deadline.due_at <= now)
        .order_by(Deadline.due_at, Deadline.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(statement).scalars())


def run_due(
    factory: sessionmaker[Session],
    handlers: Handlers,
    *,
    now: datetime | None = None,
    limit: int = 100,
    settings: Settings | None = None,
) -> int:
    """Fire every deadline due by `now`, one transaction per deadline; return how many fired.

    Handlers that talk to the outside (the notice outbox's SMTP relay) find `settings` in
    `session.info["settings"]`.
    """
    fired = 0
    while True:
        moment = now or utcnow()
        with factory() as session:
            if settings is not None:
                session.info["settings"] = settings
            claimed = _claim_due(session, moment, 1)
            if not claimed:
                session.rollback()
                return fired
            deadline = claimed[0]
            try:
                deadline.outcome = handlers[deadline.kind](session, deadline, moment)
                deadline.fired_at = moment
                session.commit()
                fired += 1
            except Exception as exc:
                if database_lost(exc):
                    raise  # not the handler's fault: the deadline stays due, tried when back
                session.rollback()
                _record_failure(factory, deadline.id, exc)
        if fired >= limit:
            return fired


def _record_failure(factory: sessionmaker[Session], deadline_id: int, exc: Exception) -> None:
    """A failing handler is retried a few times, then parked with its error for a person."""
    log.exception("deadline %s failed", deadline_id)
    with factory() as session:
        deadline = session.get(Deadline, deadline_id)
        if deadline is None:
            return
        deadline.attempts += 1
        deadline.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if deadline.attempts >= MAX_ATTEMPTS:
            deadline.fired_at, deadline.outcome = utcnow(), "failed"
        else:
            deadline.due_at = utcnow() + timedelta(seconds=30 * 2**deadline.attempts)
        session.commit()


class Worker:
    """Polls for due deadlines until stopped; one per process, any number per database."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        handlers: Handlers,
        poll_seconds: float,
        settings: Settings | None = None,
    ) -> None:
        self.factory = factory
        self.handlers = handlers
        self.poll_seconds = poll_seconds
        self.settings = settings
        self._stop = threading.Event()
        # Set by a commit that scheduled urgent work, by NOTIFY from another process, or by
        # `stop`: the worker looks for due rows at once instead of finishing its wait.
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None

    def run_forever(self) -> None:
        _local_wakers.add(self._wake)
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    # A full batch means more may be due: go again at once instead of sleeping.
                    if (
                        run_due(self.factory, self.handlers, limit=BATCH, settings=self.settings)
                        >= BATCH
                    ):
                        continue
                    wait = self._seconds_to_next_due()
                except Exception as exc:
                    # An outage is logged once, as it starts and ends, not at every poll.
                    if not database_lost(exc):
                        log.exception("deadline worker pass failed; retrying")
                    wait = self.poll_seconds
                self._wake.wait(wait)
        finally:
            _local_wakers.discard(self._wake)

    def _seconds_to_next_due(self) -> float:
        """The poll interval, cut short by the next row falling due, so a page's next level
        fires on time rather than up to a poll late."""
        with self.factory() as session:
            begin_read_only(session)
            due = next_due(session)
        if due is None:
            return self.poll_seconds
        # Never a busy loop on a row another worker holds: at least a twentieth of a second.
        return max(0.05, min(self.poll_seconds, (due - utcnow()).total_seconds()))

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="deadlines", daemon=True)
        self._thread.start()

    def listen(self, url: str) -> None:
        """On PostgreSQL, wake when another process schedules urgent work (LISTEN/NOTIFY)."""
        if not url.startswith("postgresql"):
            return
        self._listener = threading.Thread(
            target=self._listen, args=(url,), name="deadlines-listen", daemon=True
        )
        self._listener.start()

    def _listen(self, url: str) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(_libpq_url(url), autocommit=True) as connection:
                    connection.execute(f"LISTEN {WAKE_CHANNEL}")
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0, stop_after=1):
                            self._wake.set()
            except psycopg.Error:
                log.warning("listening for deadline wake-ups failed; polling meanwhile")
                self._stop.wait(self.poll_seconds)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        if self._listener:
            self._listener.join(timeout=5)


def _libpq_url(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` address as libpq reads it."""
    return "postgresql://" + url.split("://", 1)[1]
