"""The daily readiness check, as a deadline that schedules its successor when it fires."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.deadlines import Deadline, Handler, schedule
from exigent.legal.notify import notify
from exigent.staffing.people import schedulers
from exigent.staffing.readiness import Reachable, check, phone_only

READINESS = "staffing_readiness"
DAILY = timedelta(days=1)
WORKER = Actor.system("deadline-worker")


def readiness(
    session: Session, deadline: Deadline, now: datetime, reachable: Reachable = phone_only
) -> str:
    """Look 14 days ahead and tell every scheduler what would leave the team short."""
    found = check(session, now, reachable)
    schedule(session, kind=READINESS, due_at=deadline.due_at + DAILY)
    record_event(
        session,
        actor=WORKER,
        action="staffing.readiness",
        object_type="deadline",
        object_id=deadline.id,
        detail={
            "gaps": len(found.gaps),
            "unreachable": len(found.unreachable),
            "conflicts": len(found.conflicts),
        },
        at=now,
    )
    if found.ready:
        return "met"
    body = found.summary()
    for scheduler in schedulers(session):
        notify(session, user_id=scheduler.id, request_id=None, body=body, at=now)
    return "fired"


def ensure_scheduled(session: Session, now: datetime) -> None:
    """Start the daily check if none is waiting (when a worker starts, and in the demo)."""
    waiting = session.scalars(
        select(Deadline.id).where(Deadline.kind == READINESS, Deadline.fired_at.is_(None))
    ).first()
    if waiting is None:
        schedule(session, kind=READINESS, due_at=now)


def handlers(reachable: Reachable = phone_only) -> dict[str, Handler]:
    """The daily check, counting as reachable whom `reachable` (handed down) says."""
    return {READINESS: partial(readiness, reachable=reachable)}
