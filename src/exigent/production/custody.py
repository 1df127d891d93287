"""The chain of custody: each step the data takes, written with an audit event beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.production.models import CustodyEvent


def custody(
    session: Session,
    *,
    request_id: int,
    actor: Actor,
    event: str,
    at: datetime,
    production_id: int | None = None,
    hold_id: int | None = None,
    sha256: str | None = None,
    detail: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Record one custody step and audit it in the same transaction."""
    row = CustodyEvent(
        request_id=request_id,
        production_id=production_id,
        hold_id=hold_id,
        at=at,
        event=event,
        actor_id=actor.id,
        actor=actor.label,
        sha256=sha256,
        detail=detail or {},
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=f"custody.{event}",
        object_type="production" if production_id else "preservation_hold",
        object_id=production_id or hold_id,
        after={"sha256": sha256, **(detail or {})},
        detail={"request_id": request_id, "custody_event_id": row.id},
        at=at,
    )
    return row


def custody_log(
    session: Session, *, request_id: int, production_id: int | None = None
) -> list[CustodyEvent]:
    statement = select(CustodyEvent).where(CustodyEvent.request_id == request_id)
    if production_id is not None:
        statement = statement.where(CustodyEvent.production_id == production_id)
    return list(session.execute(statement.order_by(CustodyEvent.id)).scalars())
