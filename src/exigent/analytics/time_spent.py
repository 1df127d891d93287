"""Where the time goes: how long cases spend in each status of the lifecycle, and on whom
they wait, for the cases received in a period (by `received_at` in UTC) against the period
before it of the same length.

A case is in a status from the timeline entry that moved it there (`to_status`; intake's
entry is the first) until the next such entry, or until now while it is still there. The
time of a case in a status is the sum of its visits. Statuses after the answer (delivered,
preserved, rejected, withdrawn, closed) wait on nobody and are left out.

The timeline is read for the period's cases only: the fact table's index on `received_at`
picks them, and each case's entries come through `timeline_events`' index on `request_id`,
so the cost follows the period's cases, not the millions of older entries.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact
from exigent.cases.lifecycle import Status
from exigent.cases.models import TimelineEvent
from exigent.db import UtcDateTime
from exigent.legal.models import LegalCheckRecord
from exigent.legal.policy import Route


class WaitingOn(StrEnum):
    team = "team"
    requester = "requester"
    approver = "approver"
    production = "production"
    legal = "legal"


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
# Steps with fewer cases than this are not ranked among the slowest: one odd case is not a
# pattern.
RANKED_FROM = 3


@dataclass(frozen=True)
class Step:
    """One status of one kind and priority of case: who it waits on and how long it takes."""

    kind: str
    priority: str
    status: str
    waiting_on: WaitingOn
    cases: int
    median_seconds: float
    p90_seconds: float
    total_seconds: float
    previous_cases: int
    previous_median_seconds: float | None
    previous_p90_seconds: float | None


@dataclass(frozen=True)
class TimeSpent:
    start: datetime
    end: datetime
    previous_start: datetime
    steps: list[Step]

    def slowest(self, count: int = 5) -> list[Step]:
        """The steps with the longest p90, among those with enough cases to say so."""
        ranked = [s for s in self.steps if s.cases >= RANKED_FROM]
        return sorted(ranked, key=lambda s: -s.p90_seconds)[:count]

    def by_waiting_on(self) -> dict[WaitingOn, float]:
        """Total hours the period's cases spent waiting on each party."""
        totals = dict.fromkeys(WaitingOn, 0.0)
        for step in self.steps:
            totals[step.waiting_on] += step.total_seconds / 3600
        return totals


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


StepKey = tuple[str, str, str, WaitingOn]


def _in_legal_review(session: Session, start: datetime, end: datetime) -> set[int]:
    """The period's cases whose newest legal check sends them to legal."""
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
    """`left - entered` in seconds, in SQL: the two databases subtract instants differently."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", left - entered)
    return (func.julianday(left) - func.julianday(entered)) * 86400.0


def case_seconds(
    session: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    kind: str | None = None,
    priority: str | None = None,
) -> dict[StepKey, list[float]]:
    """For each step, the seconds each case received from `start` to `end` spent in it."""
    filters = [CaseFact.received_at >= start, CaseFact.received_at < end]
    if kind:
        filters.append(CaseFact.kind == kind)
    if priority:
        filters.append(CaseFact.priority == priority)
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
        .where(*filters)
        .subquery()
    )
    until_now = literal(now, UtcDateTime())
    # Still there: the visit lasts until now; the instants are compared as stored.
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
    for case_kind, case_priority, request_id, status, seconds in rows:
        step = Status(status)
        waiting = WAITING_ON[step]
        if step is Status.under_review and request_id in legal:
            waiting = WaitingOn.legal
        found[(case_kind, case_priority, str(step), waiting)].append(max(0.0, float(seconds)))
    return dict(found)


def time_spent(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    kind: str | None = None,
    priority: str | None = None,
) -> TimeSpent:
    """Each step's median and p90 for the period's cases, beside the period before."""
    length = end - start
    current = case_seconds(session, start, end, now, kind, priority)
    before = case_seconds(session, start - length, start, now, kind, priority)
    steps = []
    for key in sorted(current, key=_lifecycle_order):
        values, earlier = current[key], before.get(key, [])
        steps.append(
            Step(
                kind=key[0],
                priority=key[1],
                status=key[2],
                waiting_on=key[3],
                cases=len(values),
                median_seconds=statistics.median(values),
                p90_seconds=p90(values),
                total_seconds=sum(values),
                previous_cases=len(earlier),
                previous_median_seconds=statistics.median(earlier) if earlier else None,
                previous_p90_seconds=p90(earlier) if earlier else None,
            )
        )
    return TimeSpent(start=start, end=end, previous_start=start - length, steps=steps)


_ORDER = {status: i for i, status in enumerate(Status)}


def _lifecycle_order(key: StepKey) -> tuple[str, str, int, str]:
    return (key[0], key[1], _ORDER[Status(key[2])], key[3])


def default_period(now: datetime, days: int = 30) -> tuple[datetime, datetime]:
    """The last `days` whole UTC days up to and including today."""
    end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return end - timedelta(days=days), end
