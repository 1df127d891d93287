"""The seam to paging: what briefs escalate, and the pages still waiting for an answer.

Paging (escalation policies, `open_page`) is being built beside briefs; until it is here an
escalation is an in-app notification to every active lead, so it is never silent. Pointing
`escalate` at paging is the one change needed when it lands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.legal.notify import notify


def escalate(
    session: Session, *, trigger: str, summary: str, request_id: int | None, now: datetime
) -> int:
    """Tell those who answer for the shift; returns how many were told."""
    leads = list(
        session.scalars(select(User).where(User.is_active.is_(True), User.role == Role.lead))
    )
    for lead in leads:
        notify(session, user_id=lead.id, request_id=request_id, body=summary, at=now)
    return len(leads)


def unacknowledged_pages(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Pages sent and not yet acknowledged (each with a `summary`); none until paging lands."""
    return []
