"""Automatic critical-event briefs: an event on a case becomes a deadline row, and the worker
drafts and sends the brief, so the action that caused it never waits on a mail relay and the
brief goes exactly once even if the worker stops half-way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.briefs import critical
from exigent.briefs.models import AUTOMATIC_EVENTS, BriefEvent
from exigent.cases.models import Priority, Request
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule
from exigent.notifications import events
from exigent.notifications.events import Event, Subscriber

SEND = "critical_brief"


# The event each automatic brief follows; a P0 breach is legal's `sla_breach` on a P0 case.
SLA_BREACH = "sla_breach"
FOLLOWS = {
    BriefEvent.child_disclosure: str(BriefEvent.child_disclosure),
    BriefEvent.fraud_confirmed: str(BriefEvent.fraud_confirmed),
    BriefEvent.p0_breach: SLA_BREACH,
}


def _concerns(session: Session, brief: BriefEvent, event: Event) -> bool:
    if event.request_id is None:
        return False
    if brief is BriefEvent.p0_breach:
        case = session.get(Request, event.request_id)
        return case is not None and case.priority == Priority.P0
    return True


def _on(brief: BriefEvent) -> Subscriber:
    def subscriber(session: Session, event: Event) -> None:
        # No row when no list asks for the brief: the worker is not kept busy for nothing.
        if not _concerns(session, brief, event) or not critical.lists_for(session, brief):
            return
        schedule(
            session,
            kind=SEND,
            due_at=event.at,
            request_id=event.request_id,
            data={"event": str(brief)},
        )

    return subscriber


_SUBSCRIBERS = {brief: _on(brief) for brief in AUTOMATIC_EVENTS}


def subscribe() -> None:
    """Listen for the events that brief legal and leadership without a click (idempotent)."""
    for brief, subscriber in _SUBSCRIBERS.items():
        events.subscribe(FOLLOWS[brief], subscriber)


def send(session: Session, deadline: Deadline, now: datetime) -> str:
    found = session.info.get("settings")
    settings = found if isinstance(found, Settings) else get_settings()
    if deadline.request_id is None:
        return "met"
    brief = critical.send_automatically(
        session,
        request_id=deadline.request_id,
        event=BriefEvent(deadline.data["event"]),
        settings=settings,
        now=now,
    )
    # No list asks for this event: nothing to send, and nothing is wrong.
    return "fired" if brief is not None else "met"


def handlers() -> dict[str, Handler]:
    return {SEND: send}
