"""Each case's time in each status it waits in, derived from its timeline and kept beside its
fact row.

A case is in a status from the timeline entry that moved it there (`to_status`; intake's
entry is the first) until the next such entry. One row per case and status sums the visits
that ended (`spent_seconds`) and keeps the start of the one under way (`open_since`), which
a reader counts up to its own now. The rows of a batch of cases are derived in one
`INSERT ... SELECT` with a `LEAD()` window over their timeline, so the facts' upkeep, the
rebuild and the demo's bulk history all write them the same way whatever the batch's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact, StatusTime
from exigent.cases.lifecycle import Status
from exigent.cases.models import TimelineEvent
from exigent.legal.models import LegalCheckRecord
from exigent.legal.policy import Route

BATCH = 5000
# Which cases a statement covers, said of a table's `request_id` column.
Choice = Callable[[Any], Any]


class WaitingOn(StrEnum):
    team = "team"
    requester = "requester"
    approver = "approver"
    production = "production"
    legal = "legal"


# Statuses after the answer (delivered, preserved, rejected, withdrawn, closed) wait on
# nobody and have no row.
WAITING_ON: dict[Status, WaitingOn] = {
    Status.received: WaitingOn.team,
    Status.triaged: WaitingOn.team,
    Status.verifying: WaitingOn.team,
    Status.under_review: WaitingOn.team,
    Status.need_info: WaitingOn.requester,
    Status.awaiting_approval: WaitingOn.approver,
    Status.approved: WaitingOn.production,
    Status.producing: WaitingOn.production,
}


def seconds_between(session: Session, entered: Any, left: Any) -> Any:
    """`left - entered` in seconds, in SQL: the two databases subtract instants differently."""
    if session.get_bind().dialect.name == "postgresql":
        # `date_part` answers in double precision; `EXTRACT` in numeric, slower to add up.
        return func.date_part("epoch", left - entered)
    return (func.julianday(left) - func.julianday(entered)) * 86400.0


def refresh_status_time(session: Session, request_ids: Iterable[int]) -> None:
    """Rewrite these cases' rows from their timelines; their fact rows must be current."""
    ids = sorted(set(request_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        session.execute(delete(StatusTime).where(StatusTime.request_id.in_(chunk)))
        _insert(session, _among(chunk))


def _among(chunk: list[int]) -> Choice:
    return lambda request_id: request_id.in_(chunk)


def write_status_time(session: Session, first: int, last: int) -> None:
    """Write the rows of the cases with ids from `first` to `last`, which have none yet."""
    _insert(session, lambda request_id: request_id.between(first, last))


def clear_status_time(session: Session) -> None:
    """Remove every row, before a rebuild writes them all again."""
    session.execute(delete(StatusTime))


def _insert(session: Session, cases: Choice) -> None:
    """One statement: the visits of the chosen cases, summed per case and status."""
    visits = (
        select(
            TimelineEvent.request_id,
            TimelineEvent.to_status.label("status"),
            TimelineEvent.at.label("entered"),
            func.lead(TimelineEvent.at)
            .over(
                partition_by=TimelineEvent.request_id,
                order_by=(TimelineEvent.at, TimelineEvent.id),
            )
            .label("left"),
        )
        .where(cases(TimelineEvent.request_id), TimelineEvent.to_status.is_not(None))
        .subquery()
    )
    legal = _routed_to_legal(cases)
    waiting = case(
        (and_(visits.c.status == Status.under_review, legal.c.request_id.is_not(None)), "legal"),
        else_=case({str(s): str(w) for s, w in WAITING_ON.items()}, value=visits.c.status),
    )
    ended = case(
        (visits.c.left.is_not(None), seconds_between(session, visits.c.entered, visits.c.left))
    )
    rows = (
        select(
            visits.c.request_id,
            visits.c.status,
            waiting,
            CaseFact.kind,
            CaseFact.priority,
            CaseFact.received_at,
            func.coalesce(func.sum(ended), 0.0),
            func.max(case((visits.c.left.is_(None), visits.c.entered))),
            func.count(),
        )
        .join(CaseFact, CaseFact.request_id == visits.c.request_id)
        .outerjoin(legal, legal.c.request_id == visits.c.request_id)
        .where(visits.c.status.in_([str(s) for s in WAITING_ON]))
        .group_by(
            visits.c.request_id,
            visits.c.status,
            legal.c.request_id,
            CaseFact.kind,
            CaseFact.priority,
            CaseFact.received_at,
        )
    )
    columns = [
        "request_id",
        "status",
        "waiting_on",
        "kind",
        "priority",
        "received_at",
        "spent_seconds",
        "open_since",
        "visits",
    ]
    table: Any = StatusTime.__table__
    session.execute(insert(table).from_select(columns, rows))


def _routed_to_legal(cases: Choice) -> Any:
    """The chosen cases whose newest legal check sends them to legal review."""
    newest = (
        select(func.max(LegalCheckRecord.id).label("id"))
        .where(cases(LegalCheckRecord.request_id))
        .group_by(LegalCheckRecord.request_id)
        .subquery()
    )
    return (
        select(LegalCheckRecord.request_id)
        .join(newest, newest.c.id == LegalCheckRecord.id)
        .where(LegalCheckRecord.route == Route.legal_review)
        .subquery()
    )
