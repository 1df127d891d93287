"""Time per status read straight from the timeline, as the panel read it before the per-case
summary existed: a `LEAD()` window over each period case's transitions. The summary's
figures are checked against it."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact
from exigent.analytics.status_time import WAITING_ON, WaitingOn
from exigent.cases.lifecycle import Status
from exigent.cases.models import TimelineEvent
from exigent.db import UtcDateTime
from exigent.legal.models import LegalCheckRecord
from exigent.legal.policy import Route

StepKey = tuple[str, str, str, WaitingOn]


def nearest_rank_p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _in_legal_review(session: Session, start: datetime, end: datetime) -> set[int]:
    newest = (
        select(func.max(LegalCheckRecord.id).label("id"))
        .join(CaseFact, CaseFact.request_id == LegalCheckRecord.request_id)
        .where(CaseFact.received_at >= start, CaseFact.received_at < end)
        .group_by(LegalCheckRecord.request_id)
        .subquery()
    )
    return set(
        session.scalars(
            select(LegalCheckRecord.request_id)
            .join(newest, newest.c.id == LegalCheckRecord.id)
            .where(LegalCheckRecord.route == Route.legal_review)
        )
    )


def _seconds(session: Session, entered: Any, left: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", left - entered)
    return (func.julianday(left) - func.julianday(entered)) * 86400.0


def case_seconds(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[StepKey, list[float]]:
    """For each step, the seconds each case received from `start` to `end` spent in it."""
    visits = (
        select(
            CaseFact.kind,
            CaseFact.priority,
            TimelineEvent.request_id,
            TimelineEvent.to_status,
            TimelineEvent.at.label("entered"),
            func.lead(TimelineEvent.at)
            .over(
                partition_by=TimelineEvent.request_id,
                order_by=(TimelineEvent.at, TimelineEvent.id),
            )
            .label("left"),
        )
        .join(
            TimelineEvent,
            and_(
                TimelineEvent.request_id == CaseFact.request_id,
                TimelineEvent.to_status.is_not(None),
            ),
        )
        .where(CaseFact.received_at >= start, CaseFact.received_at < end)
        .subquery()
    )
    until_now = literal(now, UtcDateTime())
    left = case(
        (or_(visits.c.left.is_(None), visits.c.left > until_now), until_now),
        else_=visits.c.left,
    )
    rows = session.execute(
        select(
            visits.c.kind,
            visits.c.priority,
            visits.c.request_id,
            visits.c.to_status,
            func.sum(_seconds(session, visits.c.entered, left)),
        )
        .where(visits.c.to_status.in_(list(WAITING_ON)))
        .group_by(visits.c.kind, visits.c.priority, visits.c.request_id, visits.c.to_status)
    )
    legal = _in_legal_review(session, start, end)
    found: dict[StepKey, list[float]] = defaultdict(list)
    for kind, priority, request_id, status, seconds in rows:
        step = Status(status)
        waiting = WAITING_ON[step]
        if step is Status.under_review and request_id in legal:
            waiting = WaitingOn.legal
        found[(kind, priority, str(step), waiting)].append(max(0.0, float(seconds)))
    return dict(found)


def figures(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[StepKey, dict[str, Any]]:
    """Each step's cases, median, p90 and total, from the timeline."""
    return {
        key: {
            "cases": len(values),
            "median": statistics.median(values),
            "p90": nearest_rank_p90(values),
            "total": sum(values),
        }
        for key, values in case_seconds(session, start, end, now).items()
    }
