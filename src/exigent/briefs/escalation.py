"""The seam to paging: a hand-off nobody acknowledged becomes a page, and the brief lists the
pages still waiting for an answer.

A page follows the escalation policy of its trigger's row (`handoff_unacknowledged`); without
one, paging's fallback tells every active lead and admin, so it is never silent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.oncall.models import Alert, AlertStatus
from exigent.oncall.paging import open_page

HANDOFF_UNACKNOWLEDGED = "handoff_unacknowledged"


def escalate(
    session: Session, *, summary: str, dedup_key: str, request_id: int | None, now: datetime
) -> int:
    """Page for an unacknowledged hand-off; returns the page's number."""
    alert = open_page(
        session,
        trigger=HANDOFF_UNACKNOWLEDGED,
        summary=summary,
        request_id=request_id,
        severity="critical",
        dedup_key=dedup_key,
        now=now,
    )
    return alert.id


def unacknowledged_pages(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Pages sent and not yet acknowledged, oldest first."""
    alerts = session.scalars(
        select(Alert).where(Alert.status == AlertStatus.open).order_by(Alert.opened_at)
    )
    return [
        {
            "id": a.id,
            "summary": a.summary,
            "request_id": a.request_id,
            "opened_at": a.opened_at.isoformat(),
        }
        for a in alerts
    ]
