"""Briefs' deadlines: a daily planning of the hand-overs ahead, each hand-over's brief, and
the chase of an unacknowledged one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.briefs import automatic, handoffs
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule

PLAN = "handoff_plan"
DAILY = timedelta(days=1)
# Two days ahead, planned daily: a hand-over is planned at least a day before it, so the
# outgoing lead has its page to write notes on.
AHEAD = timedelta(days=2)


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def plan_ahead(session: Session, deadline: Deadline, now: datetime) -> str:
    handoffs.plan(session, since=now, until=now + AHEAD)
    schedule(session, kind=PLAN, due_at=deadline.due_at + DAILY)
    return "fired"


def send(session: Session, deadline: Deadline, now: datetime) -> str:
    return handoffs.fire_send(
        session,
        handoff_id=int(deadline.data["handoff_id"]),
        settings=_settings(session),
        now=now,
    )


def chase(session: Session, deadline: Deadline, now: datetime) -> str:
    return handoffs.chase(session, handoff_id=int(deadline.data["handoff_id"]), now=now)


def ensure_planned(session: Session, now: datetime) -> None:
    """Start the daily planning if none is waiting (the worker at its start and the demo call
    it; the hand-off page only reads)."""
    waiting = session.scalars(
        select(Deadline.id).where(Deadline.kind == PLAN, Deadline.fired_at.is_(None))
    ).first()
    if waiting is None:
        handoffs.plan(session, since=now, until=now + AHEAD)
        schedule(session, kind=PLAN, due_at=now + DAILY)


def handlers() -> dict[str, Handler]:
    return {PLAN: plan_ahead, handoffs.SEND: send, handoffs.CHASE: chase, **automatic.handlers()}
