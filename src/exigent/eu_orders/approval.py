"""An EU order's part in approval: a European Production Order for traffic or content data
about a person living outside the issuing state waits for the enforcing state's authority,
which may raise grounds for refusal (2023/1543 Arts. 8, 12), unless it is an emergency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.db import utcnow
from exigent.eu_orders import clocks
from exigent.eu_orders.models import ClockStatus
from exigent.eu_orders.service import order_for
from exigent.legal.approval import approval_refusal, discloses
from exigent.legal.models import Decision
from exigent.legal.schemas import ObligationKind


def enforcing_period_ends(session: Session, request: Request, now: datetime) -> datetime | None:
    """When the enforcing state's period ends, if it still runs."""
    order = order_for(session, request.id)
    if order is None:
        return None
    period = clocks.clock_of(order, ObligationKind.eu_enforcing_period_ends)
    if period is None or period.status is not ClockStatus.running or period.due_at <= now:
        return None
    return period.due_at


def enforcing_state_heard(
    session: Session, user: User, request: Request, decision: Decision
) -> None:
    """The approval check: no disclosure while the enforcing state's period runs."""
    if not discloses(decision):
        return
    ends = enforcing_period_ends(session, request, utcnow())
    if ends is not None:
        raise approval_refusal(
            user,
            request,
            "disclosure cannot be approved yet: the enforcing state's authority may raise "
            f"grounds for refusal until {ends:%Y-%m-%d %H:%M} UTC "
            "(Regulation (EU) 2023/1543, Art. 12)",
            409,
        )
