"""How long a hold keeps its data, and the deadlines that remind before and release at the end.

Most holds run the policy's preservation period from the request's receipt. A European
Preservation Order sets its own period (2023/1543 Art. 11: 60 days from receipt or the
certificate's shorter period, 30 more on extension, kept while a production order follows):
the legal check carries its end, and the order's domain moves the hold when the authority
moves the period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.config import Settings
from exigent.deadlines import Deadline, schedule
from exigent.errors import Conflict
from exigent.legal.checks import latest_check
from exigent.legal.schemas import ObligationKind
from exigent.production.custody import custody
from exigent.production.models import HoldStatus, PreservationHold

REMINDER = "preservation_reminder"
RELEASE = "preservation_release"


def order_term(session: Session, request_id: int) -> datetime | None:
    """The end of the preservation period the case's order sets, if it is such an order."""
    check = latest_check(session, request_id)
    if check is None:
        return None
    for obligation in check.obligations:
        if obligation.get("kind") == ObligationKind.eu_preservation_expires:
            return datetime.fromisoformat(obligation["due"])
    return None


def schedule_expiry(session: Session, hold: PreservationHold, settings: Settings) -> None:
    """The reminder before the hold's end and its release at the end."""
    data = {"hold_id": hold.id, "expires_at": hold.expires_at.isoformat()}
    reminder_at = hold.expires_at - timedelta(days=settings.preservation_reminder_days)
    schedule(session, kind=REMINDER, due_at=reminder_at, request_id=hold.request_id, data=data)
    schedule(session, kind=RELEASE, due_at=hold.expires_at, request_id=hold.request_id, data=data)


def cancel_expiry(session: Session, hold: PreservationHold, now: datetime) -> None:
    """The hold's reminder and release not yet fired, cancelled."""
    pending = session.execute(
        select(Deadline).where(
            Deadline.request_id == hold.request_id,
            Deadline.kind.in_([REMINDER, RELEASE]),
            Deadline.fired_at.is_(None),
        )
    ).scalars()
    ids = [d.id for d in pending if d.data.get("hold_id") == hold.id]
    if ids:
        session.execute(
            update(Deadline)
            .where(Deadline.id.in_(ids))
            .values(fired_at=now, outcome="cancelled")
            .execution_options(synchronize_session=False)
        )


def follow_order(
    session: Session,
    *,
    actor: Actor,
    hold: PreservationHold,
    expires_at: datetime,
    settings: Settings,
    reason: str,
    now: datetime,
) -> PreservationHold:
    """The hold ends when the order's period now ends; its reminder and release move too."""
    if hold.status != HoldStatus.active:
        raise Conflict(f"hold {hold.id} was released; the order's period no longer keeps it")
    if hold.expires_at == expires_at:
        return hold
    before = hold.expires_at
    hold.expires_at = expires_at
    cancel_expiry(session, hold, now)
    session.flush()
    schedule_expiry(session, hold, settings)
    custody(
        session,
        request_id=hold.request_id,
        hold_id=hold.id,
        actor=actor,
        event="hold_extended" if expires_at > before else "hold_shortened",
        at=now,
        detail={"from": before.isoformat(), "to": expires_at.isoformat(), "reason": reason},
    )
    return hold
