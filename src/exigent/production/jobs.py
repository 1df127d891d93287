"""Deadline handlers for preservation holds: the reminder before expiry, the release at it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.cases.models import Request
from exigent.deadlines import Deadline, Handler
from exigent.legal.notify import notify, timeline_entry
from exigent.production.models import HoldStatus, PreservationHold
from exigent.production.preservation import RELEASE, REMINDER, release_hold

WORKER = Actor.system("deadline-worker")


def _current_hold(session: Session, deadline: Deadline) -> PreservationHold | None:
    """The hold, if still active and still expiring when this deadline was set for."""
    hold = session.get(PreservationHold, int(deadline.data["hold_id"]))
    if hold is None or hold.status != HoldStatus.active:
        return None
    if hold.expires_at.isoformat() != deadline.data.get("expires_at"):
        return None  # extended since: a newer deadline carries the new date
    return hold


def remind(session: Session, deadline: Deadline, now: datetime) -> str:
    hold = _current_hold(session, deadline)
    if hold is None:
        return "met"
    request = session.get(Request, hold.request_id)
    body = (
        f"Preservation hold {hold.id} on {request.reference if request else hold.request_id} "
        f"expires {hold.expires_at:%Y-%m-%d %H:%M} UTC"
        + (
            " and can be extended once."
            if hold.extensions == 0
            else "; it cannot be extended again."
        )
    )
    timeline_entry(
        session,
        request_id=hold.request_id,
        actor=WORKER,
        kind="preservation_reminder",
        at=now,
        body=body,
        data={"hold_id": hold.id},
    )
    if request is not None and request.assignee_id is not None:
        notify(session, user_id=request.assignee_id, request_id=request.id, body=body, at=now)
    record_event(
        session,
        actor=WORKER,
        action="preservation.reminder",
        object_type="preservation_hold",
        object_id=hold.id,
        detail={"request_id": hold.request_id, "expires_at": hold.expires_at.isoformat()},
        at=now,
    )
    return "fired"


def release(session: Session, deadline: Deadline, now: datetime) -> str:
    hold = _current_hold(session, deadline)
    if hold is None:
        return "met"
    release_hold(
        session,
        actor=WORKER,
        hold=hold,
        reason=f"the preservation period ended on {hold.expires_at:%Y-%m-%d}",
        now=now,
    )
    return "fired"


def handlers() -> dict[str, Handler]:
    return {REMINDER: remind, RELEASE: release}
