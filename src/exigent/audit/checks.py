"""Verifying the chain on request, and remembering what each verification found.

Walking the whole chain re-hashes every event: about 30,000 a second here, so half a minute
per million events. A person asks for it from the audit log page and it runs in the
background (`ChainChecker`), in a transaction that sees one consistent snapshot and holds no
lock, while the page shows the last finished result; `exigent audit verify` (say, nightly)
records its result the same way. Only one walk runs at a time; one whose process died is
forgotten after `STALE_AFTER`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.models import AuditCheck, AuditHead
from exigent.audit.service import HEAD_ID, Actor, record_event, verify_chain
from exigent.db import READ_ONLY, utcnow
from exigent.errors import Conflict

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class ChainStatus:
    """What the page says about the chain: the last finished check, one still running, and
    how many events were written since the last check's end."""

    last: AuditCheck | None
    running: AuditCheck | None
    events: int

    @property
    def written_since(self) -> int | None:
        if self.last is None or not self.last.intact:
            return None
        return max(self.events - self.last.events_checked, 0)


def chain_status(session: Session, now: datetime) -> ChainStatus:
    # The running check is read before the last finished one. On PostgreSQL each statement
    # sees the latest commits, so a check finishing between the two reads would otherwise be
    # missed by both ("never verified"); in this order it shows as running and finished at
    # once, and the panel's next poll settles it.
    running = running_check(session, now)
    last = session.execute(
        select(AuditCheck)
        .where(AuditCheck.finished_at.is_not(None))
        .order_by(AuditCheck.finished_at.desc(), AuditCheck.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    head = session.get(AuditHead, HEAD_ID)
    events = head.seq if head else 0
    return ChainStatus(last=last, running=running, events=events)


def running_check(session: Session, now: datetime) -> AuditCheck | None:
    return session.execute(
        select(AuditCheck)
        .where(AuditCheck.finished_at.is_(None), AuditCheck.started_at > now - STALE_AFTER)
        .order_by(AuditCheck.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def start_check(session: Session, *, actor: Actor, now: datetime) -> AuditCheck:
    """A new check, to be walked once the caller has committed it; 409 while one runs."""
    running = running_check(session, now)
    if running is not None:
        raise Conflict(
            f"a verification started by {running.actor} at "
            f"{running.started_at:%Y-%m-%d %H:%M:%S} UTC is still running; its result "
            "shows here when it ends"
        )
    check = AuditCheck(actor_id=actor.id, actor=actor.label, started_at=now, events_checked=0)
    session.add(check)
    session.flush()
    return check


def walk(factory: sessionmaker[Session], check_id: int) -> AuditCheck:
    """Verify the whole chain for check `check_id` and record what it found (and the
    verification itself, on the chain)."""
    try:
        with factory() as session:
            _snapshot(session)
            checked, broken = verify_chain(session)
            session.rollback()
    except Exception as exc:
        log.exception("audit chain check %s could not finish", check_id)
        return _record(factory, check_id, 0, None, None, f"could not finish: {type(exc).__name__}")
    if broken is None:
        return _record(factory, check_id, checked, True, None, None)
    return _record(factory, check_id, checked, False, broken.seq, broken.reason)


def _snapshot(session: Session) -> None:
    """One consistent view for the whole walk (events appended meanwhile are not half-seen),
    taking no write lock: SQLite's readers run beside its writer in WAL mode."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    else:
        session.connection(execution_options={READ_ONLY: True})


def _record(
    factory: sessionmaker[Session],
    check_id: int,
    checked: int,
    intact: bool | None,
    broken_seq: int | None,
    reason: str | None,
) -> AuditCheck:
    with factory() as session:
        check = session.get(AuditCheck, check_id)
        if check is None:
            raise LookupError(f"no audit check {check_id}")
        check.finished_at = utcnow()
        check.events_checked = checked
        check.intact = intact
        check.broken_seq = broken_seq
        check.reason = reason[:200] if reason else None
        record_event(
            session,
            actor=Actor(check.actor_id, check.actor, "staff" if check.actor_id else "system"),
            action="audit.verify",
            object_type="audit_log",
            object_id=check.id,
            detail={
                "events_checked": checked,
                "intact": intact,
                "broken_seq": broken_seq,
                "reason": check.reason,
            },
        )
        session.commit()
        return check


class ChainChecker:
    """Runs checks in the background of a web process; `stop` waits for them (at shutdown)."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self._threads: list[threading.Thread] = []

    def start(self, check_id: int) -> None:
        thread = threading.Thread(
            target=walk, args=(self.factory, check_id), name=f"audit-check-{check_id}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._threads):
            thread.join(timeout)


def get_chain_checker(request: Request) -> ChainChecker:
    """The running application's chain checker (set on `app.state` by `create_app`)."""
    checker: ChainChecker = request.app.state.chain_checker
    return checker


ChainCheckerDep = Annotated[ChainChecker, Depends(get_chain_checker)]
