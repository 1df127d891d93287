"""Notice's part in approval: process that permits user notice asks for it before disclosure."""

from __future__ import annotations

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.legal.approval import approval_refusal, discloses
from exigent.legal.models import Decision
from exigent.notice.service import awaiting_before_disclosure


def user_notified(session: Session, user: User, request: Request, decision: Decision) -> None:
    """The approval check: send the notice (and let it go out) or withhold it first."""
    if not discloses(decision):
        return
    waiting = awaiting_before_disclosure(session, request.id)
    if waiting:
        names = ", ".join(f"notice {n.id} to {n.target_label} is {n.status}" for n in waiting)
        raise approval_refusal(
            user,
            request,
            "disclosure cannot be approved before the user is notified: "
            f"{names}; send it (and let it go out) or withhold it with a reason",
            409,
        )
