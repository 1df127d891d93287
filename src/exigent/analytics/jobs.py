"""The surge check every 15 minutes, as a deadline that schedules its successor when it fires."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.analytics.surge_alerts import check_surges
from exigent.deadlines import Deadline, Handler, schedule

SURGE_CHECK = "analytics_surge_check"
EVERY = timedelta(minutes=15)


def _next_after(due_at: datetime, now: datetime) -> datetime:
    """The next quarter-hour tick of the chain after `now` (a worker that was down for a day
    does not replay the missed checks one by one)."""
    following = due_at + EVERY
    if following <= now:
        following += EVERY * ((now - following) // EVERY + 1)
    return following


def surge_check(session: Session, deadline: Deadline, now: datetime) -> str:
    """Look at the last window of every series and keep the surge alerts in step."""
    schedule(session, kind=SURGE_CHECK, due_at=_next_after(deadline.due_at, now))
    return "fired" if check_surges(session, now) else "met"


def ensure_scheduled(session: Session, now: datetime) -> None:
    """Start the chain if none is waiting (when a worker starts, and in the demo)."""
    waiting = session.scalars(
        select(Deadline.id).where(Deadline.kind == SURGE_CHECK, Deadline.fired_at.is_(None))
    ).first()
    if waiting is None:
        schedule(session, kind=SURGE_CHECK, due_at=now)


def handlers() -> dict[str, Handler]:
    return {SURGE_CHECK: surge_check}
