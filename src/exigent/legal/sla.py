"""Deadline handlers for cases: SLA warnings and breaches on the timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request, TimelineEvent
from exigent.deadlines import Deadline, Handler
from exigent.legal.clocks import ACKNOWLEDGE, BREACH, DECIDE, WARNING, deadline_kind
from exigent.notifications.events import Event, publish

WORKER = Actor.system("deadline-worker")


def _clock_stopped(request: Request, clock: str) -> bool:
    stopped_at = request.acknowledged_at if clock == ACKNOWLEDGE else request.decided_at
    return stopped_at is not None


def _readable(due: str) -> str:
    """An ISO instant as staff read it on a page or a pager: minutes, in UTC."""
    return f"{datetime.fromisoformat(due).astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _sla_event(session: Session, deadline: Deadline, now: datetime, stage: str) -> str:
    request = session.get(Request, deadline.request_id)
    clock = str(deadline.data["clock"])
    if request is None or _clock_stopped(request, clock):
        return "met"
    due = deadline.data["due_at"]
    words = "due soon" if stage == WARNING else "breached"
    session.add(
        TimelineEvent(
            request_id=request.id,
            at=now,
            kind=f"sla_{stage}",
            actor=WORKER.label,
            body=f"The {clock} clock is {words} (due {_readable(due)}).",
            data={"clock": clock, "due_at": due, "deadline_id": deadline.id},
        )
    )
    record_event(
        session,
        actor=WORKER,
        action=f"request.sla_{stage}",
        object_type="request",
        object_id=request.id,
        detail={"clock": clock, "due_at": due},
        at=now,
    )
    # On call pages for it if a trigger says so; legal does not know who listens.
    publish(
        session,
        Event(
            f"sla_{stage}",
            now,
            request.id,
            f"{request.reference}: the {clock} clock is {words} (due {_readable(due)})",
            {"clock": clock, "due_at": due},
        ),
    )
    return "fired"


def _handler_for(stage: str) -> Handler:
    def fire(session: Session, deadline: Deadline, now: datetime) -> str:
        return _sla_event(session, deadline, now, stage)

    return fire


def handlers() -> dict[str, Handler]:
    """The warning and the breach of each SLA clock (acknowledge, decide)."""
    return {
        deadline_kind(clock, stage): _handler_for(stage)
        for clock in (ACKNOWLEDGE, DECIDE)
        for stage in (WARNING, BREACH)
    }
