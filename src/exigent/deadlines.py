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

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from exigent.config import Settings
from exigent.db import Base, UtcDateTime, utcnow
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
) -> Deadline:
    deadline = Deadline(kind=kind, due_at=due_at, request_id=request_id, data=data or {})
    session.add(deadline)
    return deadline


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
        self._thread: threading.Thread | None = None

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                # A full batch means more may be due: go again at once instead of sleeping.
                if (
                    run_due(self.factory, self.handlers, limit=BATCH, settings=self.settings)
                    >= BATCH
                ):
                    continue
            except Exception as exc:
                # An outage is logged once, as it starts and ends, not at every poll.
                if not database_lost(exc):
                    log.exception("deadline worker pass failed; retrying")
            self._stop.wait(self.poll_seconds)

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="deadlines", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
