"""Deadline handlers of EU orders: a clock's warning and breach (paging the on-call lead
through the SLA triggers), a period's end, and sending a message from the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.deadlines import Deadline, Handler
from exigent.eu_orders.clocks import BREACH, PERIODS, WARNING
from exigent.eu_orders.messages import SEND_KIND, send_queued
from exigent.eu_orders.models import ClockStatus, EuOrderClock
from exigent.eu_orders.removal import REMOVE_KIND, remove_next
from exigent.legal.notify import notify, timeline_entry
from exigent.notifications.events import Event, publish
from exigent.web.labels import label

WORKER = Actor.system("deadline-worker")


def _live_clock(session: Session, deadline: Deadline) -> EuOrderClock | None:
    """The clock this deadline was set for, if it still runs to the same due time."""
    clock = session.get(EuOrderClock, int(deadline.data["clock_id"]))
    if clock is None or clock.status is not ClockStatus.running:
        return None
    if clock.due_at.isoformat() != deadline.data.get("due_at"):
        return None  # restarted or moved since: a newer deadline carries the new time
    return clock


def _fire(session: Session, deadline: Deadline, now: datetime, stage: str) -> str:
    clock = _live_clock(session, deadline)
    request = session.get(Request, deadline.request_id)
    if clock is None or request is None:
        return "met"
    period = clock.kind in PERIODS
    what = label(clock.kind)
    due = clock.due_at.isoformat()
    if stage == BREACH and period:
        words = "has ended"
        clock.status, clock.met_at = ClockStatus.met, now
    elif stage == BREACH:
        words = "is breached"
        clock.breached_at = now
    else:
        words = "is due soon"
    body = f"{what}: {words} (due {clock.due_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC)."
    timeline_entry(
        session,
        request_id=request.id,
        actor=WORKER,
        kind=f"eu_clock_{'breach' if stage == BREACH else 'warning'}",
        at=now,
        body=body,
        data={"clock": clock.kind, "due_at": due, "deadline_id": deadline.id},
    )
    record_event(
        session,
        actor=WORKER,
        action="eu_order.clock_breach" if stage == BREACH else "eu_order.clock_warning",
        object_type="request",
        object_id=request.id,
        detail={"clock": clock.kind, "due_at": due},
        at=now,
    )
    if request.assignee_id is not None:
        notify(session, user_id=request.assignee_id, request_id=request.id, body=body, at=now)
    if not period:
        # The on-call lead is paged as for any SLA clock; the trigger rows decide who.
        name = "sla_breach" if stage == BREACH else "sla_warning"
        summary = f"{request.reference}: {what.lower()} {words} (due {due})"
        publish(session, Event(name, now, request.id, summary, {"clock": f"eu:{clock.kind}"}))
    return "fired"


def _handler_for(stage: str) -> Handler:
    def fire(session: Session, deadline: Deadline, now: datetime) -> str:
        return _fire(session, deadline, now, stage)

    return fire


def handlers() -> dict[str, Handler]:
    """An order clock's warning and breach, the message outbox, and removals of many items."""
    return {
        WARNING: _handler_for(WARNING),
        BREACH: _handler_for(BREACH),
        SEND_KIND: send_queued,
        REMOVE_KIND: remove_next,
    }
