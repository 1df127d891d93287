"""The demo's past, settled: the SLA clocks its seeded cases passed before the demo began.

The seeded cases are days old, so hundreds of their warnings and breaches are already due.
Left to the worker, each would fire at the first start and page whoever is on call, burying
the demo's one live page under pages about a past nobody lived through. They fire here
instead, through legal's own handlers, before any paging trigger or brief list exists: the
timelines and notifications read as they would have, and nobody is paged for history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.deadlines import Deadline
from exigent.legal import sla


def settle_past_clocks(
    session: Session, now: datetime, request_ids: Sequence[int] | None = None
) -> int:
    """Fire every SLA deadline already due (of these cases only, when given); return how many
    fired."""
    handlers = sla.handlers()
    query = select(Deadline).where(
        Deadline.fired_at.is_(None),
        Deadline.due_at <= now,
        Deadline.kind.in_(list(handlers)),
    )
    if request_ids is not None:
        query = query.where(Deadline.request_id.in_(list(request_ids)))
    due = session.scalars(query.order_by(Deadline.due_at, Deadline.id)).all()
    for deadline in due:
        deadline.outcome = handlers[deadline.kind](session, deadline, now)
        deadline.fired_at = now
    return len(due)
