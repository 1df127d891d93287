"""Where the time goes: how long cases spend in each status of the lifecycle, and on whom
they wait, for the cases received in a period (by `received_at` in UTC) against the period
before it of the same length.

A case is in a status from the timeline entry that moved it there until the next such
entry, or until now while it is still there; its time in a status is the sum of its visits
(`status_time` keeps that sum per case and status in the transaction that moves the case).
Each step's median and p90 (nearest rank) over its cases are taken in SQL, in one statement
for both periods: PostgreSQL's ordered-set aggregates, or on SQLite one ordered window pass
that keeps only the middle and 90th-percentile ranks. Python receives one row per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from exigent.analytics.models import StatusTime
from exigent.analytics.status_time import WAITING_ON, WaitingOn, seconds_between
from exigent.cases.lifecycle import Status
from exigent.db import UtcDateTime

__all__ = ["WAITING_ON", "Step", "TimeSpent", "WaitingOn", "default_period", "time_spent"]

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


StepKey = tuple[str, str, str, WaitingOn]


@dataclass(frozen=True)
class Figures:
    """One step's cases, median, p90 and total seconds in one period."""

    cases: int
    median_seconds: float
    p90_seconds: float
    total_seconds: float


def _case_seconds(session: Session, now: datetime) -> Any:
    """A case's seconds in a status: its ended visits, and the one under way up to now."""
    until_now = literal(now, UtcDateTime())
    under_way = seconds_between(session, StatusTime.open_since, until_now)
    # A visit that began after `now` (a reader looking back) has not begun yet.
    if session.get_bind().dialect.name == "postgresql":
        under_way = func.greatest(under_way, 0.0)
    else:
        under_way = func.max(under_way, 0.0)
    return cast(
        StatusTime.spent_seconds + case((StatusTime.open_since.is_not(None), under_way), else_=0.0),
        Float,
    )


def step_figures(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    kind: str | None = None,
    priority: str | None = None,
) -> tuple[dict[StepKey, Figures], dict[StepKey, Figures]]:
    """Each step's figures for the cases received from `start` to `end`, and for the period
    of the same length before it."""
    length = end - start
    filters = [StatusTime.received_at >= start - length, StatusTime.received_at < end]
    if kind:
        filters.append(StatusTime.kind == kind)
    if priority:
        filters.append(StatusTime.priority == priority)
    cases = (
        select(
            case((StatusTime.received_at >= start, 1), else_=0).label("current"),
            StatusTime.kind,
            StatusTime.priority,
            StatusTime.status,
            StatusTime.waiting_on,
            _case_seconds(session, now).label("seconds"),
        )
        .where(*filters)
        .subquery()
    )
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(_percentiles(cases))
    else:
        rows = session.execute(_ranked(cases))
    current: dict[StepKey, Figures] = {}
    before: dict[StepKey, Figures] = {}
    for is_current, *key, count, total, median, ninetieth in rows:
        step = (key[0], key[1], key[2], WaitingOn(key[3]))
        found = Figures(int(count), float(median), float(ninetieth), float(total))
        (current if is_current else before)[step] = found
    return current, before


def _step_key(cases: Any) -> list[Any]:
    return [cases.c.current, cases.c.kind, cases.c.priority, cases.c.status, cases.c.waiting_on]


def _percentiles(cases: Any) -> Any:
    """PostgreSQL: `percentile_disc(0.9)` is the nearest rank, `percentile_cont(0.5)` the
    median (the mean of the two middle values when the count is even)."""
    key = _step_key(cases)
    return select(
        *key,
        func.count(),
        func.sum(cases.c.seconds),
        func.percentile_cont(0.5).within_group(cases.c.seconds),
        func.percentile_disc(0.9).within_group(cases.c.seconds),
    ).group_by(*key)


def _ranked(cases: Any) -> Any:
    """SQLite: one window pass ranks each step's cases by their seconds; only the middle
    ranks and the nearest rank of the 90th percentile, ceil(0.9 n), are kept."""
    key = _step_key(cases)
    ordered = select(
        cases,
        func.row_number().over(partition_by=key, order_by=cases.c.seconds).label("rank"),
        func.count().over(partition_by=key).label("n"),
        func.sum(cases.c.seconds).over(partition_by=key).label("total"),
    ).subquery()
    rank, n = ordered.c.rank, ordered.c.n
    lower, upper, ninetieth = (n + 1) // 2, (n + 2) // 2, (9 * n + 9) // 10
    key = _step_key(ordered)
    return (
        select(
            *key,
            func.max(n),
            func.max(ordered.c.total),
            func.avg(case((or_(rank == lower, rank == upper), ordered.c.seconds))),
            func.max(case((rank == ninetieth, ordered.c.seconds))),
        )
        .where(or_(rank == lower, rank == upper, rank == ninetieth))
        .group_by(*key)
    )


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
    current, before = step_figures(
        session, start=start, end=end, now=now, kind=kind, priority=priority
    )
    steps = []
    for key in sorted(current, key=_lifecycle_order):
        now_figures, earlier = current[key], before.get(key)
        steps.append(
            Step(
                kind=key[0],
                priority=key[1],
                status=key[2],
                waiting_on=key[3],
                cases=now_figures.cases,
                median_seconds=now_figures.median_seconds,
                p90_seconds=now_figures.p90_seconds,
                total_seconds=now_figures.total_seconds,
                previous_cases=earlier.cases if earlier else 0,
                previous_median_seconds=earlier.median_seconds if earlier else None,
                previous_p90_seconds=earlier.p90_seconds if earlier else None,
            )
        )
    return TimeSpent(start=start, end=end, previous_start=start - (end - start), steps=steps)


_ORDER = {status: i for i, status in enumerate(Status)}


def _lifecycle_order(key: StepKey) -> tuple[str, str, int, str]:
    return (key[0], key[1], _ORDER[Status(key[2])], key[3])


def default_period(now: datetime, days: int = 30) -> tuple[datetime, datetime]:
    """The last `days` whole UTC days up to and including today."""
    end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return end - timedelta(days=days), end
