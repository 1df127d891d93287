"""Reads of productions, delivery links and preservation holds, on the audit record.

What was produced for a case, who it went to and what is kept on hold are case data like any
other: every page and route that shows them says who read what, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.production.delivery import Delivered
from exigent.production.models import PreservationHold, Production


def record_production_read(
    session: Session, user: User, production: Production, *, part: str
) -> None:
    """One production read: its facts, manifest, cover letter, links or download attempts."""
    record_event(
        session,
        actor=actor_for(user),
        action="production.read",
        object_type="production",
        object_id=production.id,
        detail={"request_id": production.request_id, "part": part},
    )


def record_productions_list(
    session: Session, user: User, request_id: int, productions: Sequence[Production]
) -> None:
    """A case's productions listed, with the ones shown."""
    record_event(
        session,
        actor=actor_for(user),
        action="production.list",
        object_type="request",
        object_id=request_id,
        detail={"ids": [p.id for p in productions]},
    )


def record_holds_read(
    session: Session, user: User, request_id: int, holds: Sequence[PreservationHold]
) -> None:
    """A case's preservation holds (and their snapshots) listed, with the ones shown."""
    record_event(
        session,
        actor=actor_for(user),
        action="preservation.list",
        object_type="request",
        object_id=request_id,
        detail={"ids": [h.id for h in holds]},
    )


def record_deliveries_read(session: Session, user: User, delivered: Sequence[Delivered]) -> None:
    """An officer's own deliveries listed in the portal; an empty list showed nothing."""
    if not delivered:
        return
    record_event(
        session,
        actor=actor_for(user),
        action="delivery.list",
        object_type="delivery_link",
        detail={
            "ids": [d.link.id for d in delivered],
            "production_ids": sorted({d.production.id for d in delivered}),
        },
    )
