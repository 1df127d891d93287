"""Where the time goes: how long cases spend in each status of the lifecycle, and on whom
they wait, for the cases received in a period (by `received_at` in UTC) against the period
before it of the same length.

A case is in a status from the timeline entry that moved it there until the next such
entry, or until now while it is still there; its time in a status is the sum of its visits
(`status_time` keeps that sum per case and status in the transaction that moves the case).
Each step (kind, priority, status, party) is one range of the summary's index for each
period, so no statement sorts the whole period: PostgreSQL takes each step's median and p90
(nearest rank) with its ordered-set aggregates; SQLite, which has none, hands each step's
seconds over as one list and they are sorted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, String, case, cast, column, func, literal, select, true, values
from sqlalchemy.orm import Session

from exigent.analytics.models import StatusTime
from exigent.analytics.status_time import WAITING_ON, WaitingOn, seconds_between
from exigent.cases.lifecycle import Status
from exigent.cases.models import Priority
from exigent.cases.schemas import RequestKind
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
    steps = _possible_steps(kind, priority)
    periods = ((start - (end - start), start), (start, end))
    if session.get_bind().dialect.name == "postgresql":
        return _percentiles(session, steps, periods, now)
    return _ordered_in_python(session, steps, periods, now)


# The period before and the period asked for, each from its start to its end.
Period = tuple[datetime, datetime]


def _possible_steps(kind: str | None, priority: str | None) -> Any:
    """Every kind, priority, status and party a case may wait on, as a table: each step is
    then one range of the summary's index, read without sorting the period. Three short
    lists joined, so the statement stays small."""
    kinds = [(kind,)] if kind else [(str(k),) for k in RequestKind]
    priorities = [(priority,)] if priority else [(str(p),) for p in Priority]
    waits = [(str(s), str(w)) for s, w in WAITING_ON.items()]
    waits.append((str(Status.under_review), str(WaitingOn.legal)))
    kind_list = values(column("kind", String), name="kinds").data(kinds).cte("kinds")
    priority_list = (
        values(column("priority", String), name="priorities").data(priorities).cte("priorities")
    )
    wait_list = (
        values(column("status", String), column("waiting_on", String), name="waits")
        .data(waits)
        .cte("waits")
    )
    return (
        select(kind_list, priority_list, wait_list)
        .join_from(kind_list, priority_list, true())
        .join(wait_list, true())
        .cte("steps")
    )


def _in_step(steps: Any, since: datetime, until: datetime) -> list[Any]:
    return [
        StatusTime.kind == steps.c.kind,
        StatusTime.priority == steps.c.priority,
        StatusTime.status == steps.c.status,
        StatusTime.waiting_on == steps.c.waiting_on,
        StatusTime.received_at >= since,
        StatusTime.received_at < until,
    ]


def _percentiles(
    session: Session, steps: Any, periods: tuple[Period, ...], now: datetime
) -> tuple[dict[StepKey, Figures], dict[StepKey, Figures]]:
    """PostgreSQL: `percentile_disc(0.9)` is the nearest rank and `percentile_cont(0.5)` the
    median (the mean of the two middle values when the count is even), per step and period,
    both periods read from one range of the index."""
    (since, start), (_, until) = periods
    seconds = _case_seconds(session, now)
    columns = []
    for name, in_period in (
        ("before", StatusTime.received_at < start),
        ("current", StatusTime.received_at >= start),
    ):
        columns += [
            func.count().filter(in_period).label(f"{name}_cases"),
            func.sum(seconds).filter(in_period).label(f"{name}_total"),
            func.percentile_cont(0.5)
            .within_group(seconds)
            .filter(in_period)
            .label(f"{name}_median"),
            func.percentile_disc(0.9).within_group(seconds).filter(in_period).label(f"{name}_p90"),
        ]
    figures = select(*columns).where(*_in_step(steps, since, until)).lateral()
    rows = session.execute(select(steps, figures).join(figures, true()))
    found: tuple[dict[StepKey, Figures], dict[StepKey, Figures]] = ({}, {})
    for row in rows:
        key = (row.kind, row.priority, row.status, WaitingOn(row.waiting_on))
        for period, name in enumerate(("current", "before")):
            cases, total, median, ninetieth = (
                row._mapping[f"{name}_{figure}"] for figure in ("cases", "total", "median", "p90")
            )
            if cases:
                found[period][key] = Figures(cases, float(median), float(ninetieth), float(total))
    return found


def _ordered_in_python(
    session: Session, steps: Any, periods: tuple[Period, ...], now: datetime
) -> tuple[dict[StepKey, Figures], dict[StepKey, Figures]]:
    """SQLite, which has no percentiles: each step's seconds in each period come as one
    list, read from its index range, and are sorted here."""
    seconds = _case_seconds(session, now)
    listed = [
        select(func.group_concat(seconds)).where(*_in_step(steps, since, until)).scalar_subquery()
        for since, until in periods
    ]
    before: dict[StepKey, Figures] = {}
    current: dict[StepKey, Figures] = {}
    for row in session.execute(select(steps, *listed)):
        key = (row[0], row[1], row[2], WaitingOn(row[3]))
        for found, text in ((before, row[4]), (current, row[5])):
            if text:
                found[key] = _figures(sorted(map(float, text.split(","))))
    return current, before


def _figures(ordered: list[float]) -> Figures:
    """Median (the mean of the two middle values when the count is even), and p90 at the
    nearest rank ceil(0.9 n), of values in ascending order."""
    count, middle = len(ordered), len(ordered) // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    ninetieth = ordered[max(0, math.ceil(0.9 * count) - 1)]
    return Figures(count, median, ninetieth, sum(ordered))


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
