"""Automatic critical-event briefs: an event on a case becomes a deadline row, and the worker
drafts and sends the brief, so the action that caused it never waits on a mail relay and the
brief goes exactly once even if the worker stops half-way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exigent.briefs import critical
from exigent.briefs.models import AUTOMATIC_EVENTS, BriefEvent
from exigent.config import Settings, get_settings
from exigent.deadlines import Deadline, Handler, schedule
from exigent.notifications import events

SEND = "critical_brief"


def _on(event: BriefEvent) -> events.Subscriber:
    def subscriber(session: Session, *, request_id: int, now: datetime, **_: Any) -> None:
        # No row when no list asks for the event: the worker is not kept busy for nothing.
        if not critical.lists_for(session, event):
            return
        schedule(session, kind=SEND, due_at=now, request_id=request_id, data={"event": str(event)})

    return subscriber


_SUBSCRIBERS = {event: _on(event) for event in AUTOMATIC_EVENTS}


def subscribe() -> None:
    """Listen for the events that brief legal and leadership without a click (idempotent)."""
    for event, subscriber in _SUBSCRIBERS.items():
        events.subscribe(str(event), subscriber)


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
